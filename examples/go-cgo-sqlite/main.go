// A service keeping a visit counter in SQLite through the cgo driver mattn/go-sqlite3.
package main

import (
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"os"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", "file::memory:?cache=shared")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE visits (n INTEGER)"); err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if _, err := db.Exec("INSERT INTO visits VALUES (1)"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var n int
		_ = db.QueryRow("SELECT count(*) FROM visits").Scan(&n)
		fmt.Fprintf(w, "visits: %d\n", n)
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
