module github.com/scaffold-examples/go-stdlib

go 1.26
