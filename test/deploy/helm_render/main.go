// helm_render renders a Helm 3 chart the way `helm template` does, without helm: Go's
// text/template with sprig (Helm's function library) plus the functions Helm adds (include,
// tpl, required, toYaml, fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray, lookup), the
// same values coalescing, built-in objects (.Values, .Release, .Chart, .Capabilities, .Files,
// .Template), output splitting and YAML parsing. It prints the rendered objects as JSON for the
// schema validator (validate.js).
//
// Built from Debian's packages only (golang-go, golang-github-masterminds-sprig-dev,
// golang-k8s-sigs-yaml-dev) in GOPATH mode: GO111MODULE=off GOPATH=/usr/share/gocode.
//
// Differences from helm that this chart does not rely on: no subcharts, no values.schema.json,
// no toToml, lookup always returns an empty result (as `helm template` does).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver"
	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// files is .Files: the chart's files outside templates/.
type files map[string][]byte

func (f files) GetBytes(name string) []byte { return f[name] }
func (f files) Get(name string) string      { return string(f[name]) }
func (f files) Glob(pattern string) files {
	out := files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}
func (f files) Lines(name string) []string {
	if f[name] == nil {
		return []string{}
	}
	return strings.Split(strings.TrimRight(string(f[name]), "\n"), "\n")
}
func (f files) AsConfig() string {
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	return toYAML(m)
}

// apiVersions is .Capabilities.APIVersions.
type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "" // Helm swallows errors inside templates
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	a := []interface{}{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func required(warn string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, errors.New(warn)
	} else if s, ok := val.(string); ok && s == "" {
		return val, errors.New(warn)
	}
	return val, nil
}

// coalesce merges user values over chart defaults as Helm does: maps merge recursively, user
// values win, a null user value deletes the key.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	for key, value := range src {
		if value == nil {
			delete(dst, key)
			continue
		}
		srcMap, srcIsMap := value.(map[string]interface{})
		dstMap, dstIsMap := dst[key].(map[string]interface{})
		if srcIsMap && dstIsMap {
			dst[key] = coalesce(dstMap, srcMap)
		} else {
			dst[key] = value
		}
	}
	return dst
}

func readYAMLMap(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// chartObject is .Chart: Chart.yaml's fields under Go's exported names.
func chartObject(metadata map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for key, value := range metadata {
		name := strings.ToUpper(key[:1]) + key[1:]
		if key == "apiVersion" {
			name = "APIVersion"
		}
		out[name] = value
	}
	return out
}

// ignored reads .helmignore: shell globs on a path or its base name; "dir/" matches a directory.
func ignored(patterns []string, rel string, isDir bool) bool {
	for _, p := range patterns {
		dirOnly := strings.HasSuffix(p, "/")
		p = strings.TrimSuffix(p, "/")
		if dirOnly && !isDir {
			continue
		}
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
		if ok, _ := path.Match(p, path.Base(rel)); ok {
			return true
		}
	}
	return false
}

var manifestSeparator = regexp.MustCompile("(?:^|\\s*\n)---\\s*")

type output struct {
	Manifests []manifest `json:"manifests"`
	Notes     string     `json:"notes"`
}

type manifest struct {
	Source string                 `json:"source"`
	Object map[string]interface{} `json:"object"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "helm_render: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	chartDir := flag.String("chart", "", "chart directory")
	release := flag.String("name", "aion", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	kubeVersion := flag.String("kube-version", "1.28.0", "Kubernetes version for .Capabilities")
	strict := flag.Bool("strict", false, "fail on references to missing values (helm lint --strict)")
	var valueFiles, extraAPIs stringList
	flag.Var(&valueFiles, "values", "values file (repeatable; later files win)")
	flag.Var(&extraAPIs, "api-versions", "extra API version for .Capabilities (repeatable)")
	flag.Parse()
	if *chartDir == "" {
		fail("-chart is required")
	}

	metadata, err := readYAMLMap(filepath.Join(*chartDir, "Chart.yaml"))
	if err != nil {
		fail("%v", err)
	}
	chartName, _ := metadata["name"].(string)
	if chartName == "" || metadata["apiVersion"] != "v2" || metadata["version"] == nil {
		fail("Chart.yaml needs apiVersion v2, name and version")
	}
	if _, err := semver.NewVersion(fmt.Sprint(metadata["version"])); err != nil {
		fail("Chart.yaml version %v is not SemVer 2: %v", metadata["version"], err)
	}
	kv, err := semver.NewVersion(*kubeVersion)
	if err != nil {
		fail("-kube-version: %v", err)
	}
	if constraint, ok := metadata["kubeVersion"].(string); ok && constraint != "" {
		c, err := semver.NewConstraint(constraint)
		if err != nil {
			fail("Chart.yaml kubeVersion %q: %v", constraint, err)
		}
		if !c.Check(kv) {
			fail("chart requires kubeVersion %s, which is incompatible with Kubernetes v%s", constraint, kv)
		}
	}

	values, err := readYAMLMap(filepath.Join(*chartDir, "values.yaml"))
	if err != nil {
		fail("%v", err)
	}
	for _, file := range valueFiles {
		user, err := readYAMLMap(file)
		if err != nil {
			fail("%v", err)
		}
		values = coalesce(values, user)
	}

	var patterns []string
	if data, err := os.ReadFile(filepath.Join(*chartDir, ".helmignore")); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				patterns = append(patterns, line)
			}
		}
	}
	templates := map[string]string{}
	chartFiles := files{}
	err = filepath.WalkDir(*chartDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(*chartDir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignored(patterns, rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == "charts" {
				return fmt.Errorf("subcharts are not supported")
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			templates[chartName+"/"+rel] = string(data)
		case rel == "Chart.yaml" || rel == "values.yaml" || rel == "values.schema.json" || rel == ".helmignore":
		default:
			chartFiles[rel] = data
		}
		return nil
	})
	if err != nil {
		fail("%v", err)
	}

	apis := apiVersions{"v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1",
		"autoscaling/v2", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1",
		"apps/v1/StatefulSet", "v1/Service", "v1/ConfigMap", "v1/Secret", "policy/v1/PodDisruptionBudget"}
	apis = append(apis, extraAPIs...)
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": *release, "Namespace": *namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart": chartObject(metadata),
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{
				"Version": "v" + kv.String(), "GitVersion": "v" + kv.String(),
				"Major": fmt.Sprint(kv.Major()), "Minor": fmt.Sprint(kv.Minor()),
			},
			"APIVersions": apis,
			"HelmVersion": map[string]interface{}{"Version": "v3.12.0"},
		},
		"Files": chartFiles,
	}

	missingKey := "missingkey=zero"
	if *strict {
		missingKey = "missingkey=error"
	}
	root := template.New("gotpl").Option(missingKey)
	includedNames := map[string]int{}
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["fromYamlArray"] = fromYAMLArray
	funcs["toJson"] = toJSON
	funcs["fromJson"] = fromJSON
	funcs["fromJsonArray"] = fromJSONArray
	funcs["required"] = required
	funcs["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		if includedNames[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		includedNames[name]++
		defer func() { includedNames[name]-- }()
		var buf strings.Builder
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	root.Funcs(funcs)

	names := make([]string, 0, len(templates))
	for name := range templates {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := root.New(name).Parse(templates[name]); err != nil {
			fail("parse error in %s: %v", name, err)
		}
	}

	out := output{Manifests: []manifest{}}
	seen := map[string]string{}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		scope := map[string]interface{}{}
		for k, v := range top {
			scope[k] = v
		}
		scope["Template"] = map[string]interface{}{"Name": name, "BasePath": chartName + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, scope); err != nil {
			fail("%v", err)
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if path.Base(name) == "NOTES.txt" {
			out.Notes = text
			continue
		}
		if ext := path.Ext(name); ext != ".yaml" && ext != ".yml" {
			fail("%s: templates must be .yaml files (or NOTES.txt)", name)
		}
		for _, doc := range manifestSeparator.Split(strings.TrimSpace(text), -1) {
			doc = strings.TrimSpace(doc)
			if doc == "" {
				continue
			}
			jsonDoc, err := yaml.YAMLToJSONStrict([]byte(doc))
			if err != nil {
				fail("%s: the rendered YAML does not parse: %v\n%s", name, err, doc)
			}
			var object map[string]interface{}
			if err := json.Unmarshal(jsonDoc, &object); err != nil || object == nil {
				fail("%s: a rendered document is not a mapping:\n%s", name, doc)
			}
			kind, _ := object["kind"].(string)
			apiVersion, _ := object["apiVersion"].(string)
			meta, _ := object["metadata"].(map[string]interface{})
			objName, _ := meta["name"].(string)
			if kind == "" || apiVersion == "" || objName == "" {
				fail("%s: a document lacks apiVersion, kind or metadata.name:\n%s", name, doc)
			}
			key := apiVersion + "/" + kind + "/" + objName
			if previous, dup := seen[key]; dup {
				fail("%s: %s %s is also rendered by %s", name, kind, objName, previous)
			}
			seen[key] = name
			out.Manifests = append(out.Manifests, manifest{Source: name, Object: object})
		}
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(out); err != nil {
		fail("%v", err)
	}
}
