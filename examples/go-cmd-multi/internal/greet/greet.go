// Package greet is shared by the api and the worker.
package greet

// Message is what both binaries print or serve.
func Message(who string) string { return "hello, " + who }
