namespace Gauntlet.Onnx.Operators;

/// <summary>
/// Runs one node of a default-domain operator: its inputs in order (null where an optional input
/// is absent) under the graph's opset, giving its outputs in order (null where one is not produced).
/// </summary>
internal delegate OnnxValue?[] OnnxKernel(OnnxNode node, OnnxValue?[] inputs, long opset);
