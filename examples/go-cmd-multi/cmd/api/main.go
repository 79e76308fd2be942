// The HTTP API: one of two binaries in this module.
package main

import (
	"cmp"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/scaffold-examples/go-cmd-multi/internal/greet"
)

func main() {
	addr := ":" + cmp.Or(os.Getenv("API_PORT"), "9000")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, greet.Message("api"))
	})
	log.Fatal(http.ListenAndServe(addr, nil))
}
