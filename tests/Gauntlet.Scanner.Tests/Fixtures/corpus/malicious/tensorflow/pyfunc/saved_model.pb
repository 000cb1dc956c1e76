31

n0Placeholder

n1PyFunc

n2Identity