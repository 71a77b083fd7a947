//go:build !unix

package synthetic_test

import "time"

// cpuTime is unknown here: the speed test then judges by wall time alone.
func cpuTime() time.Duration { return 0 }
