namespace Gauntlet.Tensors.Autograd;

/// <summary>
/// Reverse-mode automatic differentiation over the recorded operations.
/// </summary>
public static class Autodiff
{
    /// <summary>
    /// Records <paramref name="result"/> as produced by <paramref name="op"/> from
    /// <paramref name="inputs"/>, when recording is enabled and any input requires a gradient.
    /// </summary>
    internal static Tensor Record(Tensor result, string op, Tensor[] inputs, BackwardFunction backward)
    {
        if (!GradMode.IsEnabled)
        {
            return result;
        }

        foreach (var input in inputs)
        {
            if (input.RequiresGrad)
            {
                result.AttachNode(new GradNode(op, inputs, backward));
                return result;
            }
        }

        return result;
    }

    /// <summary>
    /// Back-propagates from <paramref name="output"/>, adding ∂L/∂leaf to <see cref="Tensor.Grad"/>
    /// of every leaf that requires a gradient.
    /// </summary>
    /// <param name="output">The tensor to differentiate.</param>
    /// <param name="gradOutput">The vector of the vector-Jacobian product; defaults to 1 for a one-element output.</param>
    /// <exception cref="InvalidOperationException">The output does not require a gradient.</exception>
    /// <exception cref="TensorShapeException">The output is not a single element and no gradient was given, or the shapes differ.</exception>
    public static void Backward(Tensor output, Tensor? gradOutput = null)
    {
        var grads = Run(output, gradOutput, requested: null);
        foreach (var (tensor, grad) in grads)
        {
            if (tensor.IsLeaf && tensor.RequiresGrad)
            {
                // Accumulated gradients outlive any TensorScope: keep them in ordinary memory.
                var sum = tensor.Grad is null ? grad : Ops.Add(tensor.Grad, grad);
                tensor.Grad = tensor.Grad is null || TensorScope.IsActive ? sum.Clone() : sum.Detach();
            }
        }
    }

    /// <summary>
    /// Returns ∂(gradOutput · output)/∂input for each of <paramref name="inputs"/> without touching
    /// any <see cref="Tensor.Grad"/>. Only the operations on a path to a requested input run their
    /// backward, so frozen parameters cost nothing.
    /// </summary>
    /// <returns>One gradient per input; zeros for an input the output does not depend on.</returns>
    public static Tensor[] Grad(Tensor output, Tensor[] inputs, Tensor? gradOutput = null)
    {
        var requested = new HashSet<Tensor>(inputs, ReferenceEqualityComparer.Instance);
        var grads = Run(output, gradOutput, requested);
        var result = new Tensor[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            result[i] = grads.TryGetValue(inputs[i], out var g) ? g : Tensor.ZerosLike(inputs[i]);
        }

        return result;
    }

    /// <summary>Convenience for one input: ∂output/∂input.</summary>
    public static Tensor Grad(Tensor output, Tensor input, Tensor? gradOutput = null) => Grad(output, [input], gradOutput)[0];

    private static Dictionary<Tensor, Tensor> Run(Tensor output, Tensor? gradOutput, HashSet<Tensor>? requested)
    {
        if (!output.RequiresGrad)
        {
            throw new InvalidOperationException($"Backward: the output (shape {output.Shape}) does not require a gradient; mark an input with RequiresGrad = true before computing it, outside GradMode.NoGrad().");
        }

        if (gradOutput is null)
        {
            if (output.Size != 1)
            {
                throw new TensorShapeException("Backward", $"an output of shape {output.Shape} needs an explicit gradOutput of the same shape (vector-Jacobian product); only one-element outputs default to 1.");
            }

            gradOutput = Tensor.Full(1f, output.Shape.ToArray());
        }
        else if (gradOutput.Shape != output.Shape)
        {
            throw new TensorShapeException("Backward", $"gradOutput has shape {gradOutput.Shape}; expected the output's shape {output.Shape}.");
        }

        var nodes = CollectNodes(output, requested, out var relevant);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [output] = gradOutput };
        var nodeOutputs = new Dictionary<GradNode, Tensor>();
        CollectOutputs(output, nodeOutputs);

        using (GradMode.NoGrad())
        {
            foreach (var node in nodes)
            {
                var produced = nodeOutputs[node];
                if (!grads.TryGetValue(produced, out var g))
                {
                    continue;
                }

                if (requested is not null && !requested.Contains(produced))
                {
                    // Intermediate gradients are not kept unless asked for; drop to free memory early.
                    grads.Remove(produced);
                }

                var needs = new bool[node.Inputs.Length];
                var any = false;
                for (var i = 0; i < needs.Length; i++)
                {
                    var input = node.Inputs[i];
                    needs[i] = input.RequiresGrad && (relevant is null || relevant.Contains(input));
                    any |= needs[i];
                }

                if (!any)
                {
                    continue;
                }

                var inputGrads = node.Backward(g, needs);
                for (var i = 0; i < needs.Length; i++)
                {
                    if (!needs[i] || inputGrads[i] is not { } ig)
                    {
                        continue;
                    }

                    var input = node.Inputs[i];
                    if (ig.Shape != input.Shape)
                    {
                        throw new InvalidOperationException($"Backward of {node.Op} returned a gradient of shape {ig.Shape} for an input of shape {input.Shape}; this is a bug in the operation.");
                    }

                    grads[input] = grads.TryGetValue(input, out var existing) ? Ops.Add(existing, ig) : ig;
                }
            }
        }

        return grads;
    }

    // Nodes reachable from the output, latest first (reverse creation order is a valid
    // topological order). With a request set, 'relevant' holds every tensor on a path to one.
    private static List<GradNode> CollectNodes(Tensor output, HashSet<Tensor>? requested, out HashSet<Tensor>? relevant)
    {
        var seen = new HashSet<GradNode>();
        var stack = new Stack<Tensor>();
        stack.Push(output);
        var list = new List<GradNode>();
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.Node is not { } node || !seen.Add(node))
            {
                continue;
            }

            list.Add(node);
            foreach (var input in node.Inputs)
            {
                if (input.RequiresGrad)
                {
                    stack.Push(input);
                }
            }
        }

        list.Sort((a, b) => b.Sequence.CompareTo(a.Sequence));
        relevant = null;
        if (requested is not null)
        {
            relevant = new HashSet<Tensor>(requested, ReferenceEqualityComparer.Instance);

            // Creation order ascending: inputs are decided before the tensors computed from them.
            var outputs = new Dictionary<GradNode, Tensor>();
            CollectOutputs(output, outputs);
            for (var i = list.Count - 1; i >= 0; i--)
            {
                var node = list[i];
                foreach (var input in node.Inputs)
                {
                    if (relevant.Contains(input))
                    {
                        relevant.Add(outputs[node]);
                        break;
                    }
                }
            }
        }

        return list;
    }

    private static void CollectOutputs(Tensor output, Dictionary<GradNode, Tensor> map)
    {
        var stack = new Stack<Tensor>();
        stack.Push(output);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.Node is not { } node || map.ContainsKey(node))
            {
                continue;
            }

            map[node] = t;
            foreach (var input in node.Inputs)
            {
                if (input.RequiresGrad)
                {
                    stack.Push(input);
                }
            }
        }
    }
}
