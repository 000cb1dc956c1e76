using Gauntlet.Core;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Everything an audit found, in the shape of <c>security_audit_report.json</c> (snake_case keys;
/// schema in docs/security_audit_report.schema.json). Every other report format is rendered from
/// this object alone, so <c>gauntlet report</c> can rebuild them from the JSON.
/// </summary>
public sealed record AuditReport
{
    /// <summary>The report format's version; bumped when a field changes meaning or is removed.</summary>
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Version of this report's format.</summary>
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary><c>complete</c>, or <c>partial</c> when the audit was cancelled or ran out of time.</summary>
    public required string Status { get; init; }

    /// <summary>Why the report is partial; null when complete.</summary>
    public string? PartialReason { get; init; }

    /// <summary>The audited model.</summary>
    public required ModelInfo Model { get; init; }

    /// <summary>The data the model was audited on.</summary>
    public required DataInfo Data { get; init; }

    /// <summary>Accuracy on the audited samples without attack.</summary>
    public required double CleanAccuracy { get; init; }

    /// <summary>The overall score and per-category sub-scores.</summary>
    public required Scorecard Scorecard { get; init; }

    /// <summary>Results per threat model.</summary>
    public required IReadOnlyList<ThreatResult> Threats { get; init; }

    /// <summary>Sanity checks for gradient masking and attack convergence.</summary>
    public required IReadOnlyList<CheckResult> Checks { get; init; }

    /// <summary>The assessment modules, in the order they ran, and what each did.</summary>
    public IReadOnlyList<AssessmentSummary> Assessments { get; init; } = [];

    /// <summary>Findings, most severe first.</summary>
    public required IReadOnlyList<AuditFinding> Findings { get; init; }

    /// <summary>A few clean / adversarial pairs for the human-readable reports.</summary>
    public required IReadOnlyList<AdversarialExample> Examples { get; init; }

    /// <summary>CI gates from the plan's thresholds and <c>--fail-under</c>.</summary>
    public required IReadOnlyList<GateResult> Gates { get; init; }

    /// <summary>True when every gate passed.</summary>
    public bool Passed => Gates.All(g => g.Passed);

    /// <summary>What is needed to reproduce the numbers.</summary>
    public required Reproducibility Reproducibility { get; init; }
}

/// <summary>The audited model.</summary>
public sealed record ModelInfo
{
    /// <summary>File path as given, or <c>demo</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Lower-case hex SHA-256 of the model file's bytes.</summary>
    public required string Sha256 { get; init; }

    /// <summary><c>onnx</c> or a Gauntlet architecture name.</summary>
    public required string Format { get; init; }

    /// <summary>Shape of one input sample.</summary>
    public required IReadOnlyList<int> SampleShape { get; init; }

    /// <summary>Number of classes.</summary>
    public required int ClassCount { get; init; }

    /// <summary>Lower bound of the input domain.</summary>
    public required float InputMin { get; init; }

    /// <summary>Upper bound of the input domain.</summary>
    public required float InputMax { get; init; }
}

/// <summary>The audited data.</summary>
public sealed record DataInfo
{
    /// <summary>Where the data came from.</summary>
    public required string Source { get; init; }

    /// <summary>SHA-256 over the audited samples (float32 little-endian pixels, then int32 labels).</summary>
    public required string Sha256 { get; init; }

    /// <summary>Number of samples audited.</summary>
    public required int Samples { get; init; }

    /// <summary>Class names, index order.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }
}

/// <summary>The 0–100 score and what it is made of.</summary>
public sealed record Scorecard
{
    /// <summary>Weighted mean of the assessed categories' scores, 0–100, one decimal.</summary>
    public required double OverallScore { get; init; }

    /// <summary>
    /// Letter grade of <see cref="OverallScore"/> (A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else F); null for a
    /// partial audit, whose score covers only what finished and so earns no grade.
    /// </summary>
    public required string? Grade { get; init; }

    /// <summary>Every category, assessed or not.</summary>
    public required IReadOnlyList<CategoryScore> Categories { get; init; }

    /// <summary>Ids of the assessed categories: what <see cref="OverallScore"/> stands on.</summary>
    public IReadOnlyList<string> Covers { get; init; } = [];

    /// <summary>The cap that bounded the overall score, or null when none did.</summary>
    public ScoreCapInfo? Cap { get; init; }
}

/// <summary>A cap a module put on the overall score, as reported.</summary>
public sealed record ScoreCapInfo
{
    /// <summary>The overall score is at most this.</summary>
    public required double Limit { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}

/// <summary>What one assessment module did in this audit.</summary>
public sealed record AssessmentSummary
{
    /// <summary>The module's id, e.g. <c>evasion</c> or <c>supply_chain</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary><c>run</c>, <c>partial</c> (stopped early), <c>not_applicable</c>, <c>not_run</c> (excluded by the plan, or the audit stopped first).</summary>
    public required string Status { get; init; }

    /// <summary>Why it did not run or stopped; null when it ran to the end.</summary>
    public string? Reason { get; init; }

    /// <summary>The scorecard categories it fills.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>Findings it contributed.</summary>
    public required int Findings { get; init; }

    /// <summary>Wall-clock seconds it ran.</summary>
    public required double Seconds { get; init; }

    /// <summary>Files it scanned (supply chain); empty for other modules.</summary>
    public IReadOnlyList<ScannedArtifact> Artifacts { get; init; } = [];
}

/// <summary>One file the supply-chain module scanned.</summary>
public sealed record ScannedArtifact
{
    /// <summary>The path as scanned (or <c>demo</c> for the embedded model).</summary>
    public required string Path { get; init; }

    /// <summary>The detected format, e.g. <c>onnx</c>, <c>pickle</c>, <c>pytorch-zip</c>.</summary>
    public required string Format { get; init; }

    /// <summary>Lower-case hex SHA-256, or null when the file could not be read.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The worst finding's severity, or null when none.</summary>
    public string? MaxSeverity { get; init; }

    /// <summary>Findings in the file, info included.</summary>
    public required int Findings { get; init; }
}

/// <summary>One scorecard category.</summary>
public sealed record CategoryScore
{
    /// <summary>Stable id, e.g. <c>white_box_evasion</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary><c>assessed</c> or <c>not_assessed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>0–100, or null when not assessed.</summary>
    public double? Score { get; init; }

    /// <summary>Weight in the overall score when assessed.</summary>
    public required double Weight { get; init; }

    /// <summary>How the score was computed, or why the category was not assessed.</summary>
    public required string Basis { get; init; }
}

/// <summary>Results for one threat model (a norm and its budgets).</summary>
public sealed record ThreatResult
{
    /// <summary>Threat name from the plan.</summary>
    public required string Name { get; init; }

    /// <summary><c>linf</c> or <c>l2</c>.</summary>
    public required string Norm { get; init; }

    /// <summary>The budget used for severity and per-class figures.</summary>
    public required float ReferenceEpsilon { get; init; }

    /// <summary>One entry per budget, ascending.</summary>
    public required IReadOnlyList<EpsilonResult> Points { get; init; }

    /// <summary>Per class at the reference budget.</summary>
    public required IReadOnlyList<ClassResult> PerClass { get; init; }
}

/// <summary>Robust accuracy at one budget.</summary>
public sealed record EpsilonResult
{
    /// <summary>The budget ε.</summary>
    public required float Epsilon { get; init; }

    /// <summary>
    /// Worst-case robust accuracy per attacker category: a sample counts as broken for a category
    /// when any attack available to that attacker (white-box ⊇ black-box ⊇ noise) broke it at this
    /// or a smaller budget.
    /// </summary>
    public required CategoryAccuracy RobustAccuracy { get; init; }

    /// <summary>Robust accuracy against white-box attacks run at this budget alone (no carry-over from smaller budgets); gradient-masking checks use it.</summary>
    public required double WhiteBoxAtThisBudget { get; init; }

    /// <summary>The attacks, in the order they ran.</summary>
    public required IReadOnlyList<AttackOutcome> Attacks { get; init; }
}

/// <summary>Robust accuracy per attacker category.</summary>
/// <param name="WhiteBox">Against every attack (a white-box attacker can run all of them).</param>
/// <param name="BlackBox">Against black-box and noise attacks.</param>
/// <param name="Noise">Against random noise only.</param>
public sealed record CategoryAccuracy(double WhiteBox, double BlackBox, double Noise);

/// <summary>One attack's share of an ensemble at one budget.</summary>
public sealed record AttackOutcome
{
    /// <summary>Attack name.</summary>
    public required string Attack { get; init; }

    /// <summary><c>white_box</c>, <c>black_box</c> or <c>noise</c>.</summary>
    public required string Category { get; init; }

    /// <summary>Samples it was run on (those its ensemble had not broken yet).</summary>
    public required int Attacked { get; init; }

    /// <summary>Samples it broke.</summary>
    public required int Broken { get; init; }

    /// <summary>Robust accuracy of its category's ensemble after it ran (over all audited samples).</summary>
    public required double RobustAfter { get; init; }

    /// <summary>Median L2 norm of its successful perturbations (0 when none).</summary>
    public required double MedianL2 { get; init; }

    /// <summary>Median L∞ norm of its successful perturbations (0 when none).</summary>
    public required double MedianLinf { get; init; }

    /// <summary>Model queries per attacked sample.</summary>
    public required double QueriesPerSample { get; init; }

    /// <summary>Wall time in seconds.</summary>
    public required double Seconds { get; init; }
}

/// <summary>Accuracy of one class.</summary>
public sealed record ClassResult
{
    /// <summary>Class index.</summary>
    public required int ClassIndex { get; init; }

    /// <summary>Class name.</summary>
    public required string Name { get; init; }

    /// <summary>Audited samples of this class.</summary>
    public required int Count { get; init; }

    /// <summary>Clean accuracy on the class.</summary>
    public required double CleanAccuracy { get; init; }

    /// <summary>White-box worst-case robust accuracy on the class at the reference budget.</summary>
    public required double RobustAccuracy { get; init; }
}

/// <summary>A sanity check on the evaluation itself.</summary>
public sealed record CheckResult
{
    /// <summary>Stable id, e.g. <c>gradients_finite</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What was checked.</summary>
    public required string Name { get; init; }

    /// <summary>Threat the check ran under, or null for model-wide checks.</summary>
    public string? Threat { get; init; }

    /// <summary>True when nothing suspicious was seen.</summary>
    public required bool Passed { get; init; }

    /// <summary>The numbers behind the verdict.</summary>
    public required string Detail { get; init; }
}

/// <summary>A ranked finding.</summary>
public sealed record AuditFinding
{
    /// <summary>Stable id, e.g. <c>GA-EVASION-WB-LINF</c>.</summary>
    public required string Id { get; init; }

    /// <summary>One-line title.</summary>
    public required string Title { get; init; }

    /// <summary>How bad it is; in the JSON the lower-case name, <c>critical</c>, <c>high</c>, <c>medium</c>, <c>low</c> or <c>info</c>.</summary>
    public required Severity Severity { get; init; }

    /// <summary>Scorecard category the finding belongs to.</summary>
    public required string Category { get; init; }

    /// <summary>Threat name, when the finding is about one.</summary>
    public string? Threat { get; init; }

    /// <summary>What was observed, in a sentence or two.</summary>
    public required string Description { get; init; }

    /// <summary>The numbers, by name.</summary>
    public required IReadOnlyDictionary<string, double> Evidence { get; init; }

    /// <summary>Class names hit hardest.</summary>
    public required IReadOnlyList<string> AffectedClasses { get; init; }

    /// <summary>What to do about it.</summary>
    public required string Remediation { get; init; }

    /// <summary>OWASP Machine Learning Security Top 10 (2023) ids, e.g. <c>ML01:2023</c>.</summary>
    public required IReadOnlyList<string> OwaspMl { get; init; }

    /// <summary>MITRE ATLAS technique ids, e.g. <c>AML.T0043.000</c>.</summary>
    public required IReadOnlyList<string> MitreAtlas { get; init; }

    /// <summary>
    /// This finding as a general <see cref="Finding"/>, the shape every Gauntlet analysis shares:
    /// the same id, title, severity, category, description, evidence, remediation and OWASP ML and
    /// MITRE ATLAS ids, located at <paramref name="modelPath"/>. The threat name and affected
    /// classes, which only audits have, stay here.
    /// </summary>
    /// <param name="modelPath">The audited model's path (<see cref="ModelInfo.Path"/>).</param>
    /// <returns>The core finding.</returns>
    public Finding ToFinding(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        return new Finding
        {
            RuleId = Id,
            Title = Title,
            Severity = Severity,
            Category = Category,
            Description = Description,
            Location = new FindingLocation(modelPath),
            Evidence = Evidence,
            Remediation = Remediation,
            OwaspMl = OwaspMl,
            MitreAtlas = MitreAtlas,
        };
    }
}

/// <summary>A clean input, its adversarial counterpart and the perturbation, as PNG thumbnails.</summary>
public sealed record AdversarialExample
{
    /// <summary>Threat name.</summary>
    public required string Threat { get; init; }

    /// <summary>Budget.</summary>
    public required float Epsilon { get; init; }

    /// <summary>The attack that produced it.</summary>
    public required string Attack { get; init; }

    /// <summary>Index of the sample in the audited data.</summary>
    public required int Index { get; init; }

    /// <summary>True class name.</summary>
    public required string Label { get; init; }

    /// <summary>Clean prediction's class name.</summary>
    public required string CleanPrediction { get; init; }

    /// <summary>Adversarial prediction's class name.</summary>
    public required string AdversarialPrediction { get; init; }

    /// <summary>Softmax confidence of the adversarial prediction.</summary>
    public required double AdversarialConfidence { get; init; }

    /// <summary>Base64 PNG of the clean input.</summary>
    public required string CleanPng { get; init; }

    /// <summary>Base64 PNG of the adversarial input.</summary>
    public required string AdversarialPng { get; init; }

    /// <summary>Base64 PNG of the perturbation, rescaled so its largest change is full contrast (mid-grey is zero).</summary>
    public required string PerturbationPng { get; init; }
}

/// <summary>One CI gate.</summary>
public sealed record GateResult
{
    /// <summary>What is gated, e.g. <c>overall_score</c> or <c>linf@0.1 robust_accuracy</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The minimum required.</summary>
    public required double Threshold { get; init; }

    /// <summary>What the audit measured.</summary>
    public required double Actual { get; init; }

    /// <summary>Actual ≥ threshold.</summary>
    public bool Passed => Actual >= Threshold;
}

/// <summary>What is needed to reproduce the audit.</summary>
public sealed record Reproducibility
{
    /// <summary>Gauntlet's version.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>The plan's seed.</summary>
    public required int Seed { get; init; }

    /// <summary>SHA-256 of the model file.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>SHA-256 of the audited samples.</summary>
    public required string DataSha256 { get; init; }

    /// <summary>The full plan as run.</summary>
    public required AuditPlan Plan { get; init; }

    /// <summary>The machine.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>UTC start time (ISO 8601). A timing: excluded when comparing runs.</summary>
    public required string StartedAt { get; init; }

    /// <summary>Wall time of the audit in seconds. A timing: excluded when comparing runs.</summary>
    public required double Seconds { get; init; }
}

/// <summary>The machine the audit ran on.</summary>
public sealed record MachineInfo
{
    /// <summary>Operating system description.</summary>
    public required string Os { get; init; }

    /// <summary>.NET runtime description.</summary>
    public required string Runtime { get; init; }

    /// <summary>Process architecture.</summary>
    public required string Architecture { get; init; }

    /// <summary>Logical processors.</summary>
    public required int ProcessorCount { get; init; }

    /// <summary>Widest SIMD the kernels used (<c>avx512</c>, <c>avx2</c>, <c>scalar</c>…).</summary>
    public required string Simd { get; init; }
}
