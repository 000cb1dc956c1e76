namespace Gauntlet.Scanner.Pickle;

/// <summary>What the classifier decided about one imported global.</summary>
/// <param name="Severity">Info for allowed and harmless callables, the rule's severity, or Medium for unknown ones.</param>
/// <param name="RuleId">The rule the finding is reported under.</param>
/// <param name="Reason">Why, for the message.</param>
internal readonly record struct CallableVerdict(Severity Severity, string RuleId, string Reason)
{
    /// <summary>Whether the callable is pure or inert and is not reported at all.</summary>
    public bool IsHarmless => RuleId == CallableClassifier.HarmlessRule;
}

/// <summary>
/// Classifies a pickle global (<c>module.name</c>) by the reviewed table in
/// <c>Pickle/CallableRules.tsv</c> (<see cref="CallableRules"/>), where every entry has its reason.
/// Dangerous entries are checked first so that an allowed or harmless module can never hide a
/// dangerous name; anything on no row is suspicious, because importing an arbitrary module runs
/// its code. Two structural allowlists stay here because they are patterns, not names: common
/// scikit-learn estimators under any sklearn module path, and PyTorch's own module classes.
/// </summary>
internal static class CallableClassifier
{
    /// <summary>The rule harmless callables would be reported under; they are not reported.</summary>
    public const string HarmlessRule = "pickle.harmless-callable";

    private const string Dangerous = "pickle.dangerous-callable";
    private const string Allowed = "pickle.allowed-callable";

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
        var rules = CallableRules.Table;
        if (rules.Dangerous(full) is { } dangerous)
        {
            return new CallableVerdict(dangerous.Severity, Dangerous, dangerous.Reason);
        }

        // A dotted name (os.path.join written as module "os", name "path.join") is resolved attribute by attribute.
        if (rules.DangerousModule(normalisedModule) is { } deniedModule)
        {
            return new CallableVerdict(deniedModule.Severity, Dangerous, deniedModule.Reason);
        }

        if (rules.Safe(full) is { } safe)
        {
            return SafeVerdict(safe);
        }

        if (normalisedModule == "builtins")
        {
            return new CallableVerdict(Severity.High, Dangerous, "builtin outside the allowlist");
        }

        // Checked before safe modules: an attribute walk can leave a harmless module.
        if (name.Contains('.', StringComparison.Ordinal))
        {
            return new CallableVerdict(Severity.High, "pickle.dynamic-callable", "dotted name walks attributes at load time");
        }

        if (rules.SafeModule(normalisedModule) is { } safeModule)
        {
            return SafeVerdict(safeModule);
        }

        if ((module.StartsWith("sklearn.", StringComparison.Ordinal) && AllowedSklearnClasses.Contains(name))
            || module.StartsWith("__torch__", StringComparison.Ordinal)
            || (module.StartsWith("torch.nn.modules.", StringComparison.Ordinal) && name.Length > 0 && char.IsUpper(name[0])))
        {
            return new CallableVerdict(Severity.Info, Allowed, "allowlisted");
        }

        return new CallableVerdict(Severity.Medium, "pickle.unknown-callable", "not on the allowlist; importing it runs module code");
    }

    private static CallableVerdict SafeVerdict(CallableRule rule) =>
        rule.Verdict == CallableRuleVerdict.Harmless
            ? new CallableVerdict(Severity.Info, HarmlessRule, rule.Reason)
            : new CallableVerdict(Severity.Info, Allowed, "allowlisted");
}
