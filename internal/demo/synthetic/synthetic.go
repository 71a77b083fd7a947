// Package synthetic builds a realistic synthetic site of any size for
// benchmarks (`gongkai seed --synthetic N`): the demo's column tree,
// departments and staff, then items of every document type across
// 2010–2026 with realistic titles, bodies of 500–5,000 characters, document
// numbers, index numbers, validity states, interpretations linked to their
// policy documents and attachment records (rows only, no files).
//
// Items go through catalog.BulkLoad, not the per-item workflow. Generation is
// deterministic for a given seed.
//
// Capabilities add their own records with Register: each registered
// generator runs after the items, in registration order, over the same
// Site (so it can refer to the items) and its own share of the random stream.
package synthetic

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
)

// Site is what a generator works on.
type Site struct {
	Catalog *catalog.Service
	Auth    *auth.Service
	*demo.Skeleton
	Tree *catalog.Tree
	// N is the number of items asked for; other generators scale from it.
	N int
	// Seed is the seed of the whole build.
	Seed uint64
	// Progress reports a generator's progress (nil: none).
	Progress func(label string, done, total int)
	// DataKey seals personal data (secure.KeySize bytes; nil: generators
	// that hold personal data skip themselves). `gongkai seed` passes the
	// data directory's key, as `serve --demo` does.
	DataKey []byte
	// Today is the day the site is built for (generators date their
	// records in the years before it and never read the clock).
	Today calendar.Date
}

// Rand returns a random stream of its own for a generator, derived from the
// build's seed and the generator's name, so adding a generator does not
// change what the others produce.
func (s *Site) Rand(name string) *rand.Rand {
	h := fnv.New64a()
	io.WriteString(h, name)
	return rand.New(rand.NewPCG(s.Seed, h.Sum64()))
}

// Generator adds one kind of record to a synthetic site.
type Generator func(ctx context.Context, s *Site) error

type registered struct {
	name string
	fn   Generator
}

var (
	mu         sync.Mutex
	generators []registered
)

// Register adds a generator under name; generators run in registration
// order after the items ("items" is registered by this package). A second
// registration under the same name panics.
func Register(name string, fn Generator) {
	mu.Lock()
	defer mu.Unlock()
	for _, g := range generators {
		if g.name == name {
			panic("synthetic: generator registered twice: " + name)
		}
	}
	generators = append(generators, registered{name, fn})
}

// Generators lists the registered generators' names in run order.
func Generators() []string {
	mu.Lock()
	defer mu.Unlock()
	out := make([]string, len(generators))
	for i, g := range generators {
		out[i] = g.name
	}
	return out
}

// Options configures Build.
type Options struct {
	// N is the number of items.
	N int
	// Seed makes the build reproducible (the same seed, the same site).
	Seed uint64
	// Host is an extra host name for the site (as demo.Load's).
	Host string
	// Progress, when set, receives progress reports (see NewBar).
	Progress func(label string, done, total int)
	// DataKey and Today are passed to the generators (see Site).
	DataKey []byte
	Today   calendar.Date
}

// Build creates the synthetic site on an empty database and runs every
// registered generator.
func Build(ctx context.Context, cat *catalog.Service, au *auth.Service, opt Options) (*Site, error) {
	if opt.N < 0 {
		return nil, fmt.Errorf("synthetic: negative item count %d", opt.N)
	}
	sk, err := demo.LoadStructure(ctx, cat, au, opt.Host)
	if err != nil {
		return nil, err
	}
	tree, err := cat.Tree(ctx, sk.Site.ID)
	if err != nil {
		return nil, err
	}
	s := &Site{Catalog: cat, Auth: au, Skeleton: sk, Tree: tree, N: opt.N, Seed: opt.Seed, Progress: opt.Progress,
		DataKey: opt.DataKey, Today: opt.Today}
	mu.Lock()
	gens := slices.Clone(generators)
	mu.Unlock()
	for _, g := range gens {
		if err := g.fn(ctx, s); err != nil {
			return s, fmt.Errorf("synthetic %s: %w", g.name, err)
		}
	}
	return s, nil
}

// Bar is a plain-text progress bar redrawn in place with carriage returns
// (for a terminal's stderr; no dependency).
type Bar struct {
	w     io.Writer
	start time.Time
	last  time.Time
	label string
}

// NewBar returns a progress function drawing on w.
func NewBar(w io.Writer) func(label string, done, total int) {
	b := &Bar{w: w, start: time.Now()}
	return b.Report
}

// Report draws the bar for label at done of total, at most ten times a
// second, and finishes the line when done reaches total.
func (b *Bar) Report(label string, done, total int) {
	now := time.Now()
	if label != b.label {
		if b.label != "" {
			b.start = now
		}
		b.label = label
	}
	if done < total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	const width = 30
	filled := width
	pct := 100.0
	if total > 0 {
		filled = width * done / total
		pct = 100 * float64(done) / float64(total)
	}
	rate := 0.0
	if el := now.Sub(b.start).Seconds(); el > 0 {
		rate = float64(done) / el
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(b.w, "\r%s [%s] %d/%d %5.1f%% %.0f 条/秒", label, bar, done, total, pct, rate)
	if done >= total {
		fmt.Fprintln(b.w)
	}
}
