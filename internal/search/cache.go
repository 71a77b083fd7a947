package search

import (
	"container/list"
	"sync"
)

// resultCache keeps recent results (a least-recently-used list). Keys carry
// the site's index generation, so a change to the index makes the old
// entries unreachable; they age out.
type resultCache struct {
	mu    sync.Mutex
	max   int
	order *list.List
	byKey map[string]*list.Element
}

type cached struct {
	key string
	res *Result
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
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
	if e, ok := c.byKey[key]; ok {
		e.Value.(*cached).res = r
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&cached{key, r})
	for c.order.Len() > c.max {
		e := c.order.Back()
		c.order.Remove(e)
		delete(c.byKey, e.Value.(*cached).key)
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
