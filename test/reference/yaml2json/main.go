// yaml2json reads manifest files the way kubectl does and prints what the API server would receive,
// so the tests can check Bulkhead's YAML reading against the real thing (sigs.k8s.io/yaml on go-yaml v2).
//
// For each file named on the command line it prints one JSON line:
//   {"file": F, "docs": [{"json": VALUE} | {"error": MESSAGE}, ...]}
// Documents are split as k8s.io/apimachinery's YAMLReader does (a line that is "---" plus blanks),
// each goes through yaml.YAMLToJSON (kubectl apply -f) and, with -strict, YAMLToJSONStrict (the API
// server's strict decoding of a YAML body). Empty and null documents are dropped, as kubectl does.
// A stream starting with "{" is read as JSON, as YAMLOrJSONDecoder does. A UTF-8 or UTF-16 byte order
// mark is honoured like cli-runtime's unicode.BOMOverride.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf16"

	"sigs.k8s.io/yaml"
)

type doc struct {
	JSON  json.RawMessage `json:"json,omitempty"`
	Error string          `json:"error,omitempty"`
}

type result struct {
	File string `json:"file"`
	Docs []doc  `json:"docs"`
}

// bomOverride mirrors unicode.BOMOverride(unicode.UTF8.NewDecoder()) for the cases that matter here.
func bomOverride(b []byte) []byte {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return b[3:]
	case len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF):
		le := b[0] == 0xFF
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			if le {
				u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
			} else {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			}
		}
		return []byte(string(utf16.Decode(u)))
	}
	return b
}

// split cuts a YAML stream into documents as apimachinery's YAMLReader does (Kubernetes 1.27 and
// later): at lines starting "---" followed by blanks or a comment; any other "---" line is an error
// that ends the stream.
func split(b []byte) ([][]byte, error) {
	var out [][]byte
	var buf bytes.Buffer
	r := bufio.NewReader(bytes.NewReader(b))
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] != '\n' {
			line = append(line, '\n')
		}
		if bytes.HasPrefix(line, []byte("---")) {
			trimmed := strings.TrimSpace(string(line[3:]))
			if len(trimmed) > 0 && trimmed[0] != '#' {
				if buf.Len() != 0 {
					out = append(out, append([]byte(nil), buf.Bytes()...))
				}
				return out, fmt.Errorf("invalid Yaml document separator: %s", trimmed)
			}
			if buf.Len() != 0 {
				out = append(out, append([]byte(nil), buf.Bytes()...))
				buf.Reset()
			}
		} else if len(line) > 0 {
			buf.Write(line)
		}
		if err == io.EOF {
			break
		}
	}
	if buf.Len() != 0 {
		out = append(out, buf.Bytes())
	}
	return out, nil
}

func convert(b []byte, strict bool) []doc {
	var docs []doc
	if bytes.HasPrefix(bytes.TrimLeftFunc(b, unicode.IsSpace), []byte("{")) {
		d := json.NewDecoder(bytes.NewReader(b))
		for {
			var v json.RawMessage
			if err := d.Decode(&v); err == io.EOF {
				break
			} else if err != nil {
				return append(docs, doc{Error: err.Error()})
			}
			docs = append(docs, doc{JSON: v})
		}
		return docs
	}
	parts, splitErr := split(b)
	for _, part := range parts {
		conv := yaml.YAMLToJSON
		if strict {
			conv = yaml.YAMLToJSONStrict
		}
		j, err := conv(part)
		if err != nil {
			docs = append(docs, doc{Error: err.Error()})
			continue
		}
		if t := bytes.TrimSpace(j); len(t) == 0 || string(t) == "null" {
			continue
		}
		docs = append(docs, doc{JSON: j})
	}
	if splitErr != nil {
		docs = append(docs, doc{Error: splitErr.Error()})
	}
	return docs
}

func main() {
	strict := flag.Bool("strict", false, "decode as the API server's strict field validation does (duplicate keys are errors)")
	flag.Parse()
	out := json.NewEncoder(os.Stdout)
	for _, f := range flag.Args() {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		docs := convert(bomOverride(b), *strict)
		if docs == nil {
			docs = []doc{}
		}
		if err := out.Encode(result{File: f, Docs: docs}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
