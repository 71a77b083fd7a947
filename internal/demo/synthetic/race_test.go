//go:build race

package synthetic_test

// raceEnabled: the race detector slows the loader down ten-fold, so the
// speed test does not run under it.
const raceEnabled = true
