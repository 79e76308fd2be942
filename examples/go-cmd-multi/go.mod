module github.com/scaffold-examples/go-cmd-multi

go 1.26
