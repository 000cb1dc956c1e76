zx

n0Placeholder

n1Const

n2MatMul

n3BiasAdd


n4Relu

n5SaveV2

n6	RestoreV2

n7Identity