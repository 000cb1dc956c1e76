namespace Gauntlet.Scanner.Pickle;

/// <summary>
/// The dangerous family: imports (GLOBAL, STACK_GLOBAL, EXT1/2/4), calls (INST, OBJ, REDUCE,
/// NEWOBJ, NEWOBJ_EX) and BUILD. Every import is recorded with the analyser; calls are recorded
/// with their rendered arguments.
/// </summary>
internal sealed partial class PickleMachine
{
    private PickleOutcome? Global()
    {
        var module = Input.ReadLine(MaxLine);
        var name = module is null ? null : Input.ReadLine(MaxLine);
        if (module is null || name is null)
        {
            return Fail("truncated GLOBAL");
        }

        owner.RecordImport(module, name, opcodeOffset);
        return Push(PickleValue.Global(module, name));
    }

    private PickleOutcome? StackGlobal()
    {
        if (!TryPop(out var name) || !TryPop(out var module))
        {
            return Fail("STACK_GLOBAL with too few values");
        }

        if (module.Kind != PickleValueKind.Text || name.Kind != PickleValueKind.Text)
        {
            Context.Add("pickle.dynamic-callable", Severity.High, $"STACK_GLOBAL on values that are not constant strings ({module.Render()}, {name.Render()}): the imported name is decided at load time", owner.Location, opcodeOffset);
            return Push(PickleValue.UnknownValue);
        }

        owner.RecordImport(module.Text!, name.Text!, opcodeOffset);
        return Push(PickleValue.Global(module.Text!, name.Text!));
    }

    private PickleOutcome? Inst()
    {
        var module = Input.ReadLine(MaxLine);
        var name = module is null ? null : Input.ReadLine(MaxLine);
        if (module is null || name is null || !TryPopMark(out var args))
        {
            return Fail("malformed INST");
        }

        owner.RecordImport(module, name, opcodeOffset);
        var callable = PickleValue.Global(module, name);
        return Push(Invoke(callable, PickleValue.Container(PickleValueKind.Tuple, args)));
    }

    private PickleOutcome? Obj()
    {
        if (!TryPopMark(out var items) || items.Count == 0)
        {
            return Fail("OBJ without a class");
        }

        return Push(Invoke(items[0], PickleValue.Container(PickleValueKind.Tuple, items.Skip(1))));
    }

    /// <summary>REDUCE and NEWOBJ: pop the arguments and the callable, push the call.</summary>
    private PickleOutcome? Reduce(string tooFewValues)
    {
        if (!TryPop(out var args) || !TryPop(out var callable))
        {
            return Fail(tooFewValues);
        }

        return Push(Invoke(callable, args));
    }

    private PickleOutcome? NewObjEx()
    {
        // The keyword arguments are dropped: the callable and positional arguments decide the verdict.
        if (!TryPop(out _) || !TryPop(out var args) || !TryPop(out var callable))
        {
            return Fail("NEWOBJ_EX with too few values");
        }

        return Push(Invoke(callable, args));
    }

    private PickleOutcome? Build()
    {
        if (!TryPop(out var state) || stack.Count <= MarkBase)
        {
            return Fail("BUILD without an object");
        }

        var target = stack[^1];
        if (target.Kind == PickleValueKind.Global)
        {
            Context.Add("pickle.dynamic-callable", Severity.High, $"BUILD sets state on the imported global {target.Text} (monkey-patching a module-level object)", owner.Location, opcodeOffset);
        }
        else if (target.Kind == PickleValueKind.Call)
        {
            target.State = state;
            if (IsJoblibWrapper(target) && ReadJoblibArray(state) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    /// <summary>EXT1, EXT2, EXT4: a callable looked up by a code of <paramref name="size"/> bytes.</summary>
    private PickleOutcome? Extension(int size)
    {
        Span<byte> b = stackalloc byte[4];
        if (!Input.TryRead(b[..size]))
        {
            return Fail("truncated EXT opcode");
        }

        Context.Add("pickle.extension-registry", Severity.Medium, "EXT opcode resolves a callable through copyreg's extension registry, which is not visible statically", owner.Location, opcodeOffset);
        return Push(PickleValue.UnknownValue);
    }

    private PickleValue Invoke(PickleValue callable, PickleValue args)
    {
        var call = PickleValue.Call(callable, args);
        if (callable.Kind == PickleValueKind.Global)
        {
            owner.RecordCall(callable.Text!, call);
        }
        else if (callable.Kind is PickleValueKind.Call or PickleValueKind.Unknown or PickleValueKind.Persistent)
        {
            Context.Add("pickle.dynamic-callable", Severity.High, $"calls a value produced at load time: {call.Render()}", owner.Location, opcodeOffset);
        }
        else
        {
            Context.Add("pickle.malformed", Severity.Medium, $"calls a value that is not callable: {call.Render()}", owner.Location, opcodeOffset);
        }

        return call;
    }
}
