namespace Gauntlet.Scanner.Pickle;

/// <summary>What the classifier decided about one imported global.</summary>
/// <param name="Severity">Info for allowlisted callables, the denylist severity, or Medium for unknown ones.</param>
/// <param name="RuleId">The rule the finding is reported under.</param>
/// <param name="Reason">Why, for the message.</param>
internal readonly record struct CallableVerdict(Severity Severity, string RuleId, string Reason);

/// <summary>
/// Classifies a pickle global (<c>module.name</c>). The denylist is checked first so that an
/// allowlisted module prefix can never hide a dangerous name; anything on neither list is
/// suspicious, because importing an arbitrary module runs its code.
/// </summary>
internal static class CallableClassifier
{
    private const string Dangerous = "pickle.dangerous-callable";

    // Exact module.name entries.
    private static readonly Dictionary<string, (Severity Severity, string Reason)> DeniedNames = new(StringComparer.Ordinal)
    {
        ["builtins.eval"] = (Severity.Critical, "evaluates Python source"),
        ["builtins.exec"] = (Severity.Critical, "executes Python source"),
        ["builtins.execfile"] = (Severity.Critical, "executes a Python file"),
        ["builtins.compile"] = (Severity.Critical, "compiles Python source to code objects"),
        ["builtins.__import__"] = (Severity.Critical, "imports arbitrary modules"),
        ["builtins.apply"] = (Severity.Critical, "calls arbitrary callables"),
        ["builtins.open"] = (Severity.High, "opens files for reading or writing"),
        ["builtins.file"] = (Severity.High, "opens files"),
        ["builtins.getattr"] = (Severity.High, "reaches any attribute of any object (a gadget for os.system and friends)"),
        ["builtins.setattr"] = (Severity.High, "overwrites attributes of live objects"),
        ["builtins.delattr"] = (Severity.High, "deletes attributes of live objects"),
        ["builtins.globals"] = (Severity.High, "exposes the interpreter's globals"),
        ["builtins.locals"] = (Severity.High, "exposes the interpreter's locals"),
        ["builtins.vars"] = (Severity.High, "exposes object namespaces"),
        ["builtins.breakpoint"] = (Severity.High, "starts a debugger"),
        ["builtins.input"] = (Severity.Medium, "blocks on standard input"),
        ["builtins.memoryview"] = (Severity.Medium, "exposes raw memory"),
        ["functools.partial"] = (Severity.High, "binds arguments to an arbitrary callable (indirection gadget)"),
        ["functools.reduce"] = (Severity.High, "applies an arbitrary callable"),
        ["operator.attrgetter"] = (Severity.High, "reaches attributes by name (indirection gadget)"),
        ["operator.itemgetter"] = (Severity.High, "reaches items by key (indirection gadget)"),
        ["operator.methodcaller"] = (Severity.High, "calls methods by name (indirection gadget)"),
        ["operator.getitem"] = (Severity.High, "reaches items by key (indirection gadget)"),
        ["operator.call"] = (Severity.High, "calls an arbitrary callable"),
        ["types.CodeType"] = (Severity.Critical, "builds code objects"),
        ["types.FunctionType"] = (Severity.Critical, "builds functions from code objects"),
        ["types.LambdaType"] = (Severity.Critical, "builds functions from code objects"),
        ["types.MethodType"] = (Severity.High, "binds functions to objects"),
        ["pkgutil.resolve_name"] = (Severity.Critical, "imports any module and returns any attribute"),
        ["logging.FileHandler"] = (Severity.High, "creates or appends to files"),
        ["logging.handlers.RotatingFileHandler"] = (Severity.High, "creates or appends to files"),
        ["logging.handlers.SocketHandler"] = (Severity.High, "opens network connections"),
        ["logging.config.listen"] = (Severity.Critical, "accepts logging configuration (and code) from the network"),
        ["numpy.load"] = (Severity.High, "loads further files, possibly pickles"),
        ["numpy.testing._private.utils.runstring"] = (Severity.Critical, "executes Python source"),
        ["numpy.lib.npyio.load"] = (Severity.High, "loads further files, possibly pickles"),
        ["torch.load"] = (Severity.Critical, "unpickles another file"),
        ["torch.serialization.load"] = (Severity.Critical, "unpickles another file"),
        ["torch.storage._load_from_bytes"] = (Severity.Medium, "runs torch.load on embedded bytes"),
        ["torch.hub.load"] = (Severity.Critical, "downloads and runs hubconf code"),
        ["torch.jit.load"] = (Severity.High, "loads TorchScript code"),
        ["torch._inductor.codecache.compile_file"] = (Severity.Critical, "compiles and loads native code"),
        ["joblib.load"] = (Severity.Critical, "unpickles another file"),
        ["asyncio.subprocess.create_subprocess_exec"] = (Severity.Critical, "runs processes"),
        ["asyncio.create_subprocess_shell"] = (Severity.Critical, "runs processes"),
        ["asyncio.create_subprocess_exec"] = (Severity.Critical, "runs processes"),
        ["tempfile.NamedTemporaryFile"] = (Severity.Medium, "creates files"),
    };

    // Whole modules (and their submodules): module -> severity.
    private static readonly Dictionary<string, (Severity Severity, string Reason)> DeniedModules = new(StringComparer.Ordinal)
    {
        ["os"] = (Severity.Critical, "operating-system access (processes, files)"),
        ["posix"] = (Severity.Critical, "operating-system access (processes, files)"),
        ["nt"] = (Severity.Critical, "operating-system access (processes, files)"),
        ["_posixsubprocess"] = (Severity.Critical, "runs processes"),
        ["subprocess"] = (Severity.Critical, "runs processes"),
        ["commands"] = (Severity.Critical, "runs shell commands"),
        ["popen2"] = (Severity.Critical, "runs shell commands"),
        ["pty"] = (Severity.Critical, "spawns a shell on a pseudo-terminal"),
        ["runpy"] = (Severity.Critical, "runs Python modules and files"),
        ["code"] = (Severity.Critical, "runs an interactive interpreter on source"),
        ["codeop"] = (Severity.Critical, "compiles Python source"),
        ["ctypes"] = (Severity.Critical, "calls native code"),
        ["_ctypes"] = (Severity.Critical, "calls native code"),
        ["cffi"] = (Severity.Critical, "calls native code"),
        ["pickle"] = (Severity.Critical, "unpickles nested data"),
        ["_pickle"] = (Severity.Critical, "unpickles nested data"),
        ["cPickle"] = (Severity.Critical, "unpickles nested data"),
        ["dill"] = (Severity.Critical, "unpickles nested data and code"),
        ["cloudpickle"] = (Severity.Critical, "rebuilds functions from code"),
        ["shelve"] = (Severity.Critical, "unpickles shelved data"),
        ["marshal"] = (Severity.Critical, "loads code objects"),
        ["importlib"] = (Severity.Critical, "imports arbitrary modules"),
        ["imp"] = (Severity.Critical, "imports arbitrary modules"),
        ["zipimport"] = (Severity.Critical, "imports code from archives"),
        ["pip"] = (Severity.Critical, "installs packages (runs setup code)"),
        ["ensurepip"] = (Severity.Critical, "installs packages"),
        ["setuptools"] = (Severity.Critical, "runs build code"),
        ["distutils"] = (Severity.Critical, "runs build code"),
        ["timeit"] = (Severity.Critical, "executes Python source"),
        ["trace"] = (Severity.Critical, "executes Python source under tracing"),
        ["profile"] = (Severity.Critical, "executes Python source under the profiler"),
        ["cProfile"] = (Severity.Critical, "executes Python source under the profiler"),
        ["pdb"] = (Severity.Critical, "executes Python source in the debugger"),
        ["bdb"] = (Severity.Critical, "executes Python source in the debugger"),
        ["idlelib"] = (Severity.Critical, "IDLE internals execute source and run processes"),
        ["doctest"] = (Severity.Critical, "executes Python source from docstrings"),
        ["uuid"] = (Severity.Critical, "private helpers run external commands"),
        ["imaplib"] = (Severity.Critical, "IMAP4_stream runs a command"),
        ["numpy.f2py"] = (Severity.Critical, "evaluates Python expressions"),
        ["numpy.distutils"] = (Severity.Critical, "runs build commands"),
        ["torch.fx"] = (Severity.Critical, "executes generated Python source"),
        ["torch._dynamo"] = (Severity.Critical, "executes generated Python source"),
        ["torch.utils.cpp_extension"] = (Severity.Critical, "compiles and loads native code"),
        ["torch.package"] = (Severity.Critical, "imports packaged code"),
        ["jinja2"] = (Severity.High, "evaluates templates"),
        ["sys"] = (Severity.High, "controls the interpreter (exit, modules, hooks)"),
        ["builtins.sys"] = (Severity.High, "controls the interpreter"),
        ["gc"] = (Severity.High, "reaches every live object"),
        ["inspect"] = (Severity.High, "reaches frames and code"),
        ["socket"] = (Severity.High, "opens network connections"),
        ["_socket"] = (Severity.High, "opens network connections"),
        ["ssl"] = (Severity.High, "opens network connections"),
        ["select"] = (Severity.High, "network and file polling"),
        ["asyncio"] = (Severity.High, "event loop, processes and sockets"),
        ["multiprocessing"] = (Severity.High, "spawns processes"),
        ["concurrent"] = (Severity.High, "spawns processes and threads"),
        ["threading"] = (Severity.High, "starts threads"),
        ["_thread"] = (Severity.High, "starts threads"),
        ["signal"] = (Severity.High, "installs signal handlers"),
        ["shutil"] = (Severity.High, "copies, moves and deletes files"),
        ["tempfile"] = (Severity.Medium, "creates files"),
        ["glob"] = (Severity.Medium, "lists files"),
        ["pathlib"] = (Severity.High, "reads, writes and deletes files"),
        ["io"] = (Severity.High, "opens files"),
        ["_io"] = (Severity.High, "opens files"),
        ["fileinput"] = (Severity.High, "reads files"),
        ["linecache"] = (Severity.High, "reads files"),
        ["zipfile"] = (Severity.Medium, "reads and writes archives"),
        ["tarfile"] = (Severity.Medium, "reads and writes archives"),
        ["webbrowser"] = (Severity.High, "opens URLs in a browser (runs a process)"),
        ["requests"] = (Severity.High, "makes network requests"),
        ["urllib"] = (Severity.High, "makes network requests"),
        ["urllib2"] = (Severity.High, "makes network requests"),
        ["urllib3"] = (Severity.High, "makes network requests"),
        ["httplib"] = (Severity.High, "makes network requests"),
        ["http"] = (Severity.High, "makes network requests or serves HTTP"),
        ["httpx"] = (Severity.High, "makes network requests"),
        ["aiohttp"] = (Severity.High, "makes network requests"),
        ["ftplib"] = (Severity.High, "makes network requests"),
        ["smtplib"] = (Severity.High, "sends mail"),
        ["poplib"] = (Severity.High, "makes network requests"),
        ["telnetlib"] = (Severity.High, "makes network requests"),
        ["nntplib"] = (Severity.High, "makes network requests"),
        ["xmlrpc"] = (Severity.High, "makes network requests"),
        ["socketserver"] = (Severity.High, "serves network connections"),
        ["paramiko"] = (Severity.High, "opens SSH connections"),
        ["sqlite3"] = (Severity.Medium, "opens databases on disk"),
    };

    private static readonly HashSet<string> AllowedNames = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict", "collections.defaultdict", "collections.Counter", "collections.deque",
        "builtins.set", "builtins.frozenset", "builtins.slice", "builtins.range", "builtins.complex", "builtins.bytearray",
        "builtins.dict", "builtins.list", "builtins.tuple", "builtins.int", "builtins.float", "builtins.str", "builtins.bool", "builtins.bytes", "builtins.object",
        "__builtin__.set", "__builtin__.frozenset", "__builtin__.slice", "__builtin__.complex", "__builtin__.object",
        "copyreg._reconstructor", "copy_reg._reconstructor", "copyreg.__newobj__",
        "_codecs.encode",
        "datetime.datetime", "datetime.date", "datetime.timedelta", "datetime.time", "datetime.timezone", "decimal.Decimal", "fractions.Fraction",
        "numpy.ndarray", "numpy.dtype", "numpy.core.multiarray._reconstruct", "numpy.core.multiarray.scalar", "numpy._core.multiarray._reconstruct",
        "numpy._core.multiarray.scalar", "numpy.ma.core._mareconstruct", "numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__bit_generator_ctor",
        "numpy.random._pickle.__generator_ctor", "numpy.random.mtrand._rand", "numpy.random.mtrand.RandomState", "numpy.random._mt19937.MT19937", "numpy.random._pcg64.PCG64",
        "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
        "joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
        "torch.Size", "torch.device", "torch.dtype", "torch.layout", "torch.memory_format", "torch.Tensor",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_qtensor", "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_sparse_csr_tensor", "torch._utils._rebuild_device_tensor_from_numpy", "torch._utils._rebuild_meta_tensor_no_storage",
        "torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_wrapper_subclass", "torch._utils._rebuild_xla_tensor",
        "torch._tensor._rebuild_from_type", "torch._tensor._rebuild_from_type_v2", "torch.nn.parameter.Parameter", "torch.nn.parameter._rebuild_parameter",
        "torch.serialization._get_layout", "torch.storage.UntypedStorage", "torch.storage.TypedStorage", "torch.per_tensor_affine", "torch.per_channel_affine",
        "torch.float32", "torch.float64", "torch.float16", "torch.bfloat16", "torch.int64", "torch.int32", "torch.int16", "torch.int8", "torch.uint8", "torch.bool",
        "torch.contiguous_format", "torch.channels_last", "torch.preserve_format", "torch.strided", "torch.sparse_coo",
        "torch.optim.lr_scheduler.LambdaLR",
    };

    private static readonly HashSet<string> AllowedTorchStorages = new(StringComparer.Ordinal)
    {
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage",
        "ByteStorage", "BoolStorage", "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "UntypedStorage",
    };

    // Common scikit-learn estimators and their building blocks, allowed by class name under any sklearn module path.
    private static readonly HashSet<string> AllowedSklearnClasses = new(StringComparer.Ordinal)
    {
        "LogisticRegression", "LinearRegression", "Ridge", "RidgeClassifier", "Lasso", "ElasticNet", "SGDClassifier", "SGDRegressor", "Perceptron",
        "RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor", "GradientBoostingClassifier",
        "GradientBoostingRegressor", "HistGradientBoostingClassifier", "HistGradientBoostingRegressor", "AdaBoostClassifier", "AdaBoostRegressor",
        "BaggingClassifier", "VotingClassifier", "DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier", "ExtraTreeRegressor", "Tree",
        "KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors", "KDTree", "BallTree", "SVC", "SVR", "LinearSVC", "LinearSVR", "NuSVC",
        "GaussianNB", "MultinomialNB", "BernoulliNB", "MLPClassifier", "MLPRegressor", "KMeans", "MiniBatchKMeans", "DBSCAN", "PCA", "TruncatedSVD",
        "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer", "OneHotEncoder", "OrdinalEncoder", "LabelEncoder",
        "LabelBinarizer", "PolynomialFeatures", "SimpleImputer", "Pipeline", "ColumnTransformer", "FeatureUnion", "CountVectorizer", "TfidfVectorizer",
        "TfidfTransformer", "IsolationForest", "LinearDiscriminantAnalysis", "_LossFunction", "BinomialDeviance", "MultinomialDeviance",
        "LeastSquaresError", "HalfBinomialLoss", "HalfMultinomialLoss", "HalfSquaredError", "_BinMapper", "TreePredictor", "DummyClassifier",
        "CyHalfBinomialLoss", "CyHalfMultinomialLoss", "CyHalfSquaredError", "Hinge", "Log", "SquaredLoss", "ModifiedHuber",
    };

    /// <summary>Classifies <paramref name="module"/>.<paramref name="name"/>.</summary>
    public static CallableVerdict Classify(string module, string name)
    {
        module = module.Trim();
        name = name.Trim();
        var normalisedModule = module == "__builtin__" ? "builtins" : module;
        var full = normalisedModule + "." + name;
        if (DeniedNames.TryGetValue(full, out var denied))
        {
            return new CallableVerdict(denied.Severity, Dangerous, denied.Reason);
        }

        // A dotted name (os.path.join written as module "os", name "path.join") is resolved attribute by attribute.
        var dotted = normalisedModule + "." + name;
        for (var prefix = normalisedModule; ; prefix = prefix[..prefix.LastIndexOf('.')])
        {
            if (DeniedModules.TryGetValue(prefix, out var deniedModule))
            {
                return new CallableVerdict(deniedModule.Severity, Dangerous, deniedModule.Reason);
            }

            if (!prefix.Contains('.', StringComparison.Ordinal))
            {
                break;
            }
        }

        if (normalisedModule == "builtins" && !AllowedNames.Contains(full))
        {
            return new CallableVerdict(Severity.High, Dangerous, "builtin outside the allowlist");
        }

        if (name.Contains('.', StringComparison.Ordinal) && !AllowedNames.Contains(dotted))
        {
            return new CallableVerdict(Severity.High, "pickle.dynamic-callable", "dotted name walks attributes at load time");
        }

        if (AllowedNames.Contains(full)
            || (module == "torch" && AllowedTorchStorages.Contains(name))
            || (module.StartsWith("sklearn.", StringComparison.Ordinal) && AllowedSklearnClasses.Contains(name))
            || module.StartsWith("__torch__", StringComparison.Ordinal)
            || (module.StartsWith("torch.nn.modules.", StringComparison.Ordinal) && name.Length > 0 && char.IsUpper(name[0])))
        {
            return new CallableVerdict(Severity.Info, "pickle.allowed-callable", "allowlisted");
        }

        return new CallableVerdict(Severity.Medium, "pickle.unknown-callable", "not on the allowlist; importing it runs module code");
    }
}
