package searchsql

// CacheUse is the number and the size of the cached answers.
func (x *Index) CacheUse() (n, bytes int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.cache), x.cacheBytes
}

// CacheBytes is the cache's byte bound.
const CacheBytes = cacheBytes
