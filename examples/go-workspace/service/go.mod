module example.com/service

go 1.26

require example.com/shared v0.0.0
