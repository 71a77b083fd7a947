// Command versitygw builds (once, into the user cache directory) the
// S3-compatible server the object-storage tests start, and prints its path.
// scripts/test.sh runs it before the tests and exports the path as
// GONGKAI_VERSITYGW, so the build is a stage of its own and not part of any
// test's time.
package main

import (
	"fmt"
	"os"

	"gongkai/internal/blob/blobtest"
)

func main() {
	p, err := blobtest.Binary()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(p)
}
