)'

xPlaceholder

pEagerPyFuncx