75

xPlaceholder!


f0
pPyFuncStatelessx