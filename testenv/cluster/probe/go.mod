module tac-operator.local/probe

go 1.24
