//go:build race

package app

// attackRace: the race detector makes modernc SQLite several times slower,
// so under -race the corpus is sampled more thinly (see attack_test.go).
const attackRace = true
