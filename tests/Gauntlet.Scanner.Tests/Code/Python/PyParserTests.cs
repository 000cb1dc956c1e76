using Gauntlet.Scanner.Code.Python;

namespace Gauntlet.Scanner.Tests.Code.Python;

public sealed class PyParserTests
{
    [Fact]
    public void ImportAliasesResolveCallees()
    {
        var module = PyParser.Parse("import pickle as pk\nfrom torch import load\nimport os.path\nfrom a.b import (c as d,\n    e)\npk.loads(x)\nload(f)\nd()\ne()\nos.path.join(a, b)\n");
        Assert.Equal(["pickle.loads", "torch.load", "a.b.c", "a.b.e", "os.path.join"], module.Calls.Select(c => c.Resolved));
        Assert.Contains(module.Imports, i => i.Binding == "pk" && i.Target == "pickle");
        Assert.Contains(module.Imports, i => i.Binding == "os" && i.Target == "os");
    }

    [Fact]
    public void ArgumentsAreClassified()
    {
        var module = PyParser.Parse("f('a' 'b', 3, -1, True, None, name, x.y, f'{v}', 'a' + b, '%s' % c, '{}'.format(d), g(h), [1, 'x'], *rest, key=value, **kw)\n");
        var call = module.Calls.First(c => c.Callee == "f");
        var kinds = call.Arguments.Select(a => a.Value.Kind).ToList();
        Assert.Equal(
            [PyValueKind.Literal, PyValueKind.Literal, PyValueKind.Literal, PyValueKind.Literal, PyValueKind.Literal, PyValueKind.Reference, PyValueKind.Reference,
             PyValueKind.Interpolated, PyValueKind.Interpolated, PyValueKind.Interpolated, PyValueKind.Interpolated, PyValueKind.Computed, PyValueKind.LiteralSequence,
             PyValueKind.Reference, PyValueKind.Reference, PyValueKind.Reference],
            kinds);
        Assert.Equal("ab", call.Arguments[0].Value.Literal);
        Assert.Equal("-1", call.Arguments[2].Value.Literal);
        Assert.True(call.Arguments[13].Unpacked);
        Assert.Equal("key", call.Arguments[14].Keyword);
    }

    [Fact]
    public void AssignmentsCarryLoadersAndConstantsIntoCalls()
    {
        var module = PyParser.Parse("import yaml\nsafe = yaml.SafeLoader\nflag = False\nyaml.load(s, Loader=safe)\nrequests.get(u, verify=flag)\n");
        var load = module.Calls.Single(c => c.Resolved == "yaml.load");
        Assert.Equal("yaml.SafeLoader", load.Keyword("Loader")!.Value.Name);
        Assert.True(module.Calls.Single(c => c.Callee == "requests.get").Keyword("verify")!.Value.IsFalse);
    }

    [Fact]
    public void CallsSpanningLinesNestedAndAfterColonAreFound()
    {
        var module = PyParser.Parse("if ok: run(a)\nx = outer(\n    inner(b),\n    c,\n)\n");
        Assert.Equal(["run", "outer", "inner"], module.Calls.Select(c => c.Callee));
        var outer = module.Calls.Single(c => c.Callee == "outer");
        Assert.Equal(2, outer.Line);
        Assert.Equal(5, outer.EndLine);
    }

    [Fact]
    public void FunctionsScopeTheirCallsAndShadowBuiltins()
    {
        var module = PyParser.Parse("def predict(self, x, *args, y=1, **kw):\n    log(x)\n\nlog(z)\n\ndef eval(s):\n    return s\n\neval(q)\n");
        var inner = module.Calls.First(c => c.Callee == "log");
        Assert.Equal("predict", inner.Function!.Name);
        Assert.Equal(["x", "args", "y", "kw"], inner.Function.Parameters);
        Assert.Null(module.Calls.Last(c => c.Callee == "log").Function);
        Assert.Equal("<local>.eval", module.Calls.Single(c => c.Callee == "eval").Resolved);
    }

    [Fact]
    public void TensorflowKerasAndBuiltinsAreCanonicalised()
    {
        var module = PyParser.Parse("import tensorflow as tf\nimport builtins\ntf.keras.models.load_model(p)\nbuiltins.exec(c)\nnp.load(f)\n");
        Assert.Equal(["keras.models.load_model", "exec", "numpy.load"], module.Calls.Select(c => c.Resolved));
    }

    [Fact]
    public void DecoratorsAreResolved()
    {
        var module = PyParser.Parse("import flask\napp = flask.Flask(__name__)\n@app.route('/x')\ndef handle(req):\n    pass\n");
        Assert.Equal(["<local>.app.route"], module.Functions.Single().Decorators);
    }
}
