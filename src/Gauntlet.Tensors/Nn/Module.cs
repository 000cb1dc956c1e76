namespace Gauntlet.Tensors.Nn;

/// <summary>
/// A layer or model: a differentiable function with named parameters (tensors that require
/// gradients), named buffers (state such as batch-norm running statistics) and child modules.
/// Names are dotted paths (<c>features.0.weight</c>), as in PyTorch state dicts.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value)> _parameters = [];
    private readonly List<(string Name, Tensor Value)> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Computes the module's output for a batch.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Calls <see cref="Forward"/>.</summary>
    public Tensor Call(Tensor input) => Forward(input);

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children)
        {
            child.Train(training);
        }

        return this;
    }

    /// <summary>Sets inference mode (<c>Train(false)</c>).</summary>
    public Module Eval() => Train(false);

    /// <summary>Every parameter with its dotted name, depth-first in registration order.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedParameters(string prefix = "")
    {
        foreach (var (name, value) in _parameters)
        {
            yield return (prefix + name, value);
        }

        foreach (var (name, child) in _children)
        {
            foreach (var p in child.NamedParameters($"{prefix}{name}."))
            {
                yield return p;
            }
        }
    }

    /// <summary>Every buffer with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, value) in _buffers)
        {
            yield return (prefix + name, value);
        }

        foreach (var (name, child) in _children)
        {
            foreach (var b in child.NamedBuffers($"{prefix}{name}."))
            {
                yield return b;
            }
        }
    }

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<(string Name, Module Value)> Children() => _children;

    /// <summary>Every parameter tensor.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>Total number of scalar parameters.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Size);

    /// <summary>Clears <see cref="Tensor.Grad"/> on every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters())
        {
            p.Grad = null;
        }
    }

    /// <summary>
    /// Freezes (false) or unfreezes (true) every parameter. Attacks freeze the model so backward
    /// computes only ∂/∂input and skips every weight-gradient kernel.
    /// </summary>
    public void SetRequiresGrad(bool requiresGrad)
    {
        foreach (var p in Parameters())
        {
            p.RequiresGrad = requiresGrad;
        }
    }

    /// <summary>Parameters and buffers by dotted name: what <see cref="ParameterFile"/> saves.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in NamedParameters().Concat(NamedBuffers()))
        {
            state[name] = value;
        }

        return state;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's parameters and buffers.
    /// Every entry must exist with the same shape, and every parameter and buffer must be present.
    /// </summary>
    /// <exception cref="InvalidDataException">A name is missing or unexpected, or a shape differs.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new InvalidDataException(
                $"state dict does not match the model: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].");
        }

        foreach (var (name, target) in own)
        {
            var source = state[name];
            if (source.Shape != target.Shape)
            {
                throw new InvalidDataException($"state dict entry '{name}' has shape {source.Shape}; the model expects {target.Shape}.");
            }

            target.CopyFrom(source);
        }
    }

    /// <summary>Registers a trainable parameter (marked <see cref="Tensor.RequiresGrad"/>).</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        ValidateName(name);
        value.RequiresGrad = true;
        _parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers non-trainable state that is saved with the parameters.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        ValidateName(name);
        _buffers.Add((name, value));
        return value;
    }

    /// <summary>Registers a child module.</summary>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ValidateName(name);
        _children.Add((name, module));
        return module;
    }

    private void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{GetType().Name}: '{name}' is not a valid member name (non-empty, no dots).", nameof(name));
        }

        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _children.Any(c => c.Name == name))
        {
            throw new ArgumentException($"{GetType().Name}: '{name}' is registered twice.", nameof(name));
        }
    }
}
