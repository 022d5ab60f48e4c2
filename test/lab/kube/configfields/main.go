// Prints the fields of the Kubernetes config APIs compiled into this build, as
// "path<TAB>type" lines (the layout of ../shared/kube/*.fields.tsv: dotted paths,
// list items as name[].child, map values as name.*.child, embedded structs inlined).
// gen-config-fields.mjs runs it inside a Kubernetes version's wrapper module, so the
// lists come from the very sources that version's binaries are built from.
package main

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	kubeproxy "k8s.io/kube-proxy/config/v1alpha1"
	kubescheduler "k8s.io/kube-scheduler/config/v1"
	kubelet "k8s.io/kubelet/config/v1beta1"
)

var kinds = map[string]any{
	"KubeletConfiguration":       kubelet.KubeletConfiguration{},
	"KubeProxyConfiguration":     kubeproxy.KubeProxyConfiguration{},
	"KubeSchedulerConfiguration": kubescheduler.KubeSchedulerConfiguration{},
}

// Types that YAML sees as one scalar (a duration string, a quantity, a time).
var leaves = map[string]bool{"Duration": true, "Quantity": true, "Time": true, "IntOrString": true, "RawExtension": true, "TimeOrMetaDuration": true}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return typeName(t.Elem())
	case reflect.Slice:
		return "[]" + typeName(t.Elem())
	case reflect.Map:
		return "map[" + typeName(t.Key()) + "]" + typeName(t.Elem())
	}
	if t.Name() == "" {
		return t.Kind().String()
	}
	if leaves[t.Name()] {
		return t.Name()
	}
	if t.Kind() == reflect.Struct {
		return t.Name()
	}
	return t.Kind().String()
}

func walk(t reflect.Type, prefix string, out map[string]string, depth int) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || leaves[t.Name()] || depth > 8 {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" {
			walk(f.Type, prefix, out, depth+1)
			continue
		}
		if name == "" {
			name = f.Name
		}
		path := prefix + name
		out[path] = typeName(f.Type)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.Struct:
			walk(ft, path+".", out, depth+1)
		case reflect.Slice:
			walk(ft.Elem(), path+"[].", out, depth+1)
		case reflect.Map:
			walk(ft.Elem(), path+".*.", out, depth+1)
		}
	}
}

func main() {
	if len(os.Args) != 2 || kinds[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: configfields KubeletConfiguration|KubeProxyConfiguration|KubeSchedulerConfiguration")
		os.Exit(2)
	}
	out := map[string]string{}
	walk(reflect.TypeOf(kinds[os.Args[1]]), "", out, 0)
	paths := make([]string, 0, len(out))
	for p := range out {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	fmt.Println("path\ttype")
	for _, p := range paths {
		fmt.Printf("%s\t%s\n", p, out[p])
	}
}
