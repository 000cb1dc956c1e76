namespace Gauntlet.Tensors.Autograd;

/// <summary>
/// Whether operations are recorded for autodiff on the current thread. Inference and attack
/// bookkeeping run inside <see cref="NoGrad"/> so nothing is taped.
/// </summary>
public static class GradMode
{
    [ThreadStatic]
    private static int t_disabledDepth;

    /// <summary>True when operations on tensors that require gradients are recorded.</summary>
    public static bool IsEnabled => t_disabledDepth == 0;

    /// <summary>
    /// Disables recording until the returned scope is disposed. Scopes nest.
    /// </summary>
    /// <example><code>using (GradMode.NoGrad()) { var logits = model.Forward(x); }</code></example>
    public static NoGradScope NoGrad()
    {
        t_disabledDepth++;
        return new NoGradScope();
    }

    internal static void Exit() => t_disabledDepth--;

    /// <summary>The scope returned by <see cref="NoGrad"/>; dispose it to re-enable recording.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Re-enables recording (if no outer scope disables it).</summary>
        public void Dispose() => Exit();
    }
}
