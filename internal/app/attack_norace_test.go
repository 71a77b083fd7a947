//go:build !race

package app

const attackRace = false
