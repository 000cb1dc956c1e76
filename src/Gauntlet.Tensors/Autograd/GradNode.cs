namespace Gauntlet.Tensors.Autograd;

/// <summary>
/// Computes the gradients of an operation's inputs from the gradient of its output.
/// </summary>
/// <param name="gradOutput">∂L/∂output, same shape as the output.</param>
/// <param name="needsGrad">For each input, whether its gradient is wanted; skip the others.</param>
/// <returns>∂L/∂input for each input (null where not wanted), each shaped like its input.</returns>
internal delegate Tensor?[] BackwardFunction(Tensor gradOutput, bool[] needsGrad);

/// <summary>
/// One recorded operation on the tape. The sequence number orders nodes by creation, which is a
/// topological order: a node is always created after the nodes of its inputs.
/// </summary>
internal sealed class GradNode
{
    private static long s_nextSequence;

    public GradNode(string op, Tensor[] inputs, BackwardFunction backward)
    {
        Op = op;
        Inputs = inputs;
        Backward = backward;
        Sequence = Interlocked.Increment(ref s_nextSequence);
    }

    public string Op { get; }

    public Tensor[] Inputs { get; }

    public BackwardFunction Backward { get; }

    public long Sequence { get; }
}
