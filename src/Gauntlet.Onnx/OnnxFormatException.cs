namespace Gauntlet.Onnx;

/// <summary>
/// Thrown by the ONNX parser when well-formed protobuf does not make a valid model (a missing
/// graph, a negative dimension, external data escaping the model's folder); callers wrap it with
/// the file name. Malformed wire data is Core's <c>ProtoWireException</c>.
/// </summary>
internal sealed class OnnxFormatException(string message) : Exception(message);
