0.

n0Const

n1ReadFile

n2	WriteFile