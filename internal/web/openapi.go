package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"reflect"
	"sort"

	"gongkai/internal/errs"
)

// The OpenAPI document is assembled from the kit's base (info, shared
// responses and schemas, the document's own path) and one fragment per
// feature: each fragment holds "paths" and "components" of that feature's
// endpoints. A path or component defined twice is an error at start-up.

// OpenAPI adds a feature's fragment (a JSON file with paths and components).
func (s *Server) OpenAPI(fragment []byte) error {
	doc, err := s.openapiDoc()
	if err != nil {
		return err
	}
	var frag map[string]any
	if err := json.Unmarshal(fragment, &frag); err != nil {
		return fmt.Errorf("openapi fragment: %w", err)
	}
	if err := mergeSection(doc, frag, "paths"); err != nil {
		return err
	}
	fc, _ := frag["components"].(map[string]any)
	dc, _ := doc["components"].(map[string]any)
	for kind := range fc {
		if err := mergeSection(dc, fc, kind); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	s.apiDocJSON = b
	return nil
}

// mergeSection copies src[key]'s entries into dst[key], refusing duplicates.
func mergeSection(dst, src map[string]any, key string) error {
	from, _ := src[key].(map[string]any)
	to, _ := dst[key].(map[string]any)
	if to == nil {
		to = map[string]any{}
		dst[key] = to
	}
	names := make([]string, 0, len(from))
	for k := range from {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, dup := to[k]; dup {
			return fmt.Errorf("openapi: %s %q is defined twice", key, k)
		}
		to[k] = from[k]
	}
	return nil
}

func (s *Server) openapiDoc() (map[string]any, error) {
	b := s.apiDocJSON
	if b == nil {
		var err error
		if b, err = fs.ReadFile(kitFS, "templates/openapi.json"); err != nil {
			return nil, err
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("openapi base: %w", err)
	}
	return doc, nil
}

// OpenAPIDocument returns the assembled document.
func (s *Server) OpenAPIDocument() []byte {
	if s.apiDocJSON == nil {
		doc, err := s.openapiDoc()
		if err == nil {
			s.apiDocJSON, _ = json.MarshalIndent(doc, "", "  ")
		}
	}
	return s.apiDocJSON
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	b := s.OpenAPIDocument()
	if b == nil {
		s.APIError(w, r, errs.E(errs.Internal, "接口文档不可用"))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

// Schema ties a Go type that a handler encodes or decodes to the OpenAPI
// schema that describes it, so a test can hold the two together.
type Schema struct {
	Type   reflect.Type
	Schema string // a JSON pointer into the document, "#/components/schemas/Item"
	// Input marks request bodies: only names and types must match.
	Input bool
	// AlwaysSet keys are omitempty in the struct but always set for this schema.
	AlwaysSet []string
}

// Schemas are the kit's own: the error body.
func Schemas() []Schema {
	return []Schema{{Type: reflect.TypeOf(apiError{}), Schema: "#/components/schemas/Error/properties/error"}}
}
