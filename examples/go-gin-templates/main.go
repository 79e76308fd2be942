// gin with HTML templates and static files read from disk at run time.
package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.Default()
	r.LoadHTMLGlob("templates/*")
	r.Static("/static", "./static")
	r.GET("/", func(c *gin.Context) {
		c.HTML(http.StatusOK, "index.tmpl", gin.H{"title": "go-gin-templates"})
	})
	// gin's Run() with no address listens on $PORT, else 8080.
	if err := r.Run(); err != nil {
		panic(err)
	}
}
