/** describe-managed-prefix-lists (`PrefixLists`) and their entries, keyed by list id (`ManagedPrefixListEntries`). */
import type { ParsedCidr } from '../../../model/address.js';
import { keyedLists, type AwsResource } from '../resource.js';

export const prefixLists: AwsResource = {
  key: 'PrefixLists',
  parse(value, r, into) {
    for (const { o, path } of r.objects(value, 'PrefixLists', value)) {
      const id = r.required(o, 'PrefixListId', path, 'prefix list');
      if (id) into.prefixLists.push({ id, name: r.optional(o, 'PrefixListName') ?? id, source: r.at(o, path) });
    }
  },
};

export const prefixListEntries: AwsResource = {
  key: 'ManagedPrefixListEntries',
  parse(value, r, into) {
    for (const { id, items, path } of keyedLists(value, 'ManagedPrefixListEntries', r, value)) {
      const cidrs: ParsedCidr[] = into.prefixListEntries.get(id) ?? [];
      for (const e of r.objects(items, path, value)) {
        const c = r.cidr(e.o, 'Cidr', e.path, `prefix list ${id} entry`);
        if (c) cidrs.push(c);
      }
      into.prefixListEntries.set(id, cidrs);
    }
  },
};
