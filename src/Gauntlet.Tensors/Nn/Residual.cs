namespace Gauntlet.Tensors.Nn;

/// <summary>A skip connection: <c>y = x + body(x)</c> (the body must preserve the shape).</summary>
public sealed class Residual : Module
{
    /// <summary>Wraps <paramref name="body"/>.</summary>
    public Residual(Module body)
    {
        Body = RegisterModule("body", body);
    }

    /// <summary>The residual branch.</summary>
    public Module Body { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var branch = Body.Forward(input);
        if (branch.Shape != input.Shape)
        {
            throw new TensorShapeException("Residual", $"the body maps {input.Shape} to {branch.Shape}; expected the same shape so the skip connection can add them.");
        }

        return Ops.Add(input, branch);
    }
}
