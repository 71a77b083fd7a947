//go:build unix

package synthetic_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the test process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
