// A service built from a go.work workspace: it imports the shared module.
package main

import (
	"fmt"
	"log"
	"net/http"

	"example.com/shared/quotes"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, quotes.Today()) })
	log.Fatal(http.ListenAndServe(":8000", nil))
}
