// A background worker with no HTTP listener.
package main

import (
	"log"
	"time"

	"github.com/scaffold-examples/go-cmd-multi/internal/greet"
)

func main() {
	for {
		log.Println(greet.Message("worker"))
		time.Sleep(time.Minute)
	}
}
