package catalog

// SetGramThresholds changes the q= planner's bounds for a test (so a small
// fixture reaches the dense paths) and returns a function restoring them.
func SetGramThresholds(dense, common int) (restore func()) {
	d, c := gramDense, gramCommon
	gramDense, gramCommon = dense, common
	return func() { gramDense, gramCommon = d, c }
}
