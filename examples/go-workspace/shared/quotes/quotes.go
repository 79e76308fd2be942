// Package quotes is a workspace module the service imports.
package quotes

// Today is the quote of the day.
func Today() string { return "simplicity is prerequisite for reliability" }
