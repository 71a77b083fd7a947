package search

import (
	"container/list"
	"sync"
	"unsafe"
)

// resultCacheBytes bounds the bytes of the results a node keeps (about
// what resultSize counts), besides their number: a result of 20 hits with
// snippets and facets is some 15–40 KB, so 512 of them could hold 20 MB
// of the heap, twice that in the process with the collector's headroom.
const resultCacheBytes = 6 << 20

// resultCache keeps recent results (a least-recently-used list). Keys carry
// the site's index generation, so a change to the index makes the old
// entries unreachable; they age out.
type resultCache struct {
	mu       sync.Mutex
	max      int
	maxBytes int
	bytes    int
	order    *list.List
	byKey    map[string]*list.Element
}

type cached struct {
	key  string
	res  *Result
	size int
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, maxBytes: resultCacheBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// resultSize estimates the heap a cached result holds: its hits with their
// strings and segments, the facets, the terms.
func resultSize(key string, r *Result) int {
	n := len(key) + int(unsafe.Sizeof(*r)) + 64
	for _, hs := range [][]Hit{r.Hits, r.BestBets} {
		n += cap(hs) * int(unsafe.Sizeof(Hit{}))
		for i := range hs {
			h := &hs[i]
			n += len(h.Kind) + len(h.URL) + len(h.Candidate.Title) + len(h.DocNo) + len(h.Publisher) +
				len(h.Topic) + len(h.Validity) + len(h.PublishedOn) + len(h.KindLabel)
			for _, segs := range [][]Segment{h.Title, h.Snippet} {
				n += cap(segs) * int(unsafe.Sizeof(Segment{}))
				for _, sg := range segs {
					n += len(sg.Text)
				}
			}
		}
	}
	for k, fs := range r.Facets {
		n += len(k) + 48 + cap(fs)*int(unsafe.Sizeof(FacetCount{}))
		for _, f := range fs {
			n += len(f.Value)
		}
	}
	for _, t := range r.Terms {
		n += len(t) + 16
	}
	return n + len(r.DidYouMean)
}

func (c *resultCache) get(key string) (*Result, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).res, true
}

func (c *resultCache) put(key string, r *Result) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	size := resultSize(key, r)
	if size > c.maxBytes/4 {
		return // one answer is not worth a quarter of the cache
	}
	if e, ok := c.byKey[key]; ok {
		v := e.Value.(*cached)
		c.bytes += size - v.size
		v.res, v.size = r, size
		c.order.MoveToFront(e)
	} else {
		c.byKey[key] = c.order.PushFront(&cached{key, r, size})
		c.bytes += size
	}
	for c.order.Len() > c.max || c.bytes > c.maxBytes {
		e := c.order.Back()
		c.order.Remove(e)
		v := e.Value.(*cached)
		c.bytes -= v.size
		delete(c.byKey, v.key)
	}
}

// relatedMax bounds the records whose related records a node keeps (six
// hits each, some 6 KB with their strings).
const relatedMax = 1024

// relatedKey names one Related answer: the record, how many, and the
// site's index generation it was computed at (a change makes it
// unreachable).
type relatedKey struct {
	site int64
	ref  Ref
	n    int
	gen  uint64
}

// relatedCache is a bounded map of Related answers; when full it starts
// over (simple, and the entries of older generations go with it).
type relatedCache struct {
	mu sync.Mutex
	m  map[relatedKey][]Hit
}

func (c *relatedCache) get(k relatedKey) ([]Hit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[k]
	return h, ok
}

func (c *relatedCache) put(k relatedKey, h []Hit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= relatedMax {
		c.m = map[relatedKey][]Hit{}
	}
	c.m[k] = h
}
