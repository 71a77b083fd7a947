package extract

// SetLimits lowers the size limits for a test (zip bombs and inflate bombs
// need not be hundreds of megabytes to prove the point) and returns the
// function that restores them.
func SetLimits(entry, inflate int64) (restore func()) {
	e, i := maxEntry, maxInflate
	maxEntry, maxInflate = entry, inflate
	return func() { maxEntry, maxInflate = e, i }
}
