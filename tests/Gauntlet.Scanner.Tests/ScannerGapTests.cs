using System.Text;

namespace Gauntlet.Scanner.Tests;

/// <summary>
/// The families issue 24 found missing. Corpus samples come from tools/scanner-corpus/gap_samples.py;
/// the pickle anomalies are spelled out here byte by byte.
/// </summary>
public sealed class ScannerGapTests
{
    private static readonly byte[] OsSystem = Pickle("cos\nsystem\nX\u0002\0\0\0id\u0085R.");

    [Fact]
    public void Keras_TorchModuleWrapper_IsHigh_AndItsEmbeddedCheckpointIsScanned()
    {
        var report = Scan("malicious/keras/torch_module_wrapper.keras");

        Assert.Equal(ArtifactFormat.Keras, report.Format);
        Assert.Equal(Severity.High, Assert.Single(report.Findings, f => f.RuleId == "keras.torch-module").Severity);
        Assert.Contains(report.Findings, f => f.RuleId == "embedded.payload");
        var inner = Assert.Single(report.Findings, f => f.RuleId == "pickle.dangerous-callable");
        Assert.Equal(Severity.Critical, inner.Severity);
        Assert.Contains("os.system", inner.Message, StringComparison.Ordinal);
        Assert.Contains("!embedded", inner.Location, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("malicious/keras/subprocess_activation.keras", "subprocess.Popen")]
    [InlineData("malicious/keras/os_system_layer.keras", "os.system")]
    [InlineData("malicious/keras/builtins_exec_fn_module.keras", "builtins.exec")]
    public void Keras_ModulesOutsideKeras_AreJudgedByTheCallableTable(string path, string callable)
    {
        var finding = Assert.Single(Scan(path).Findings, f => f.RuleId == "keras.unsafe-callable");

        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(callable, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keras_GetFileAndUrls_AreRemoteFetches()
    {
        var report = Scan("malicious/keras/get_file.keras");

        var fetches = report.Findings.Where(f => f.RuleId == "keras.remote-fetch").ToList();
        Assert.Contains(fetches, f => f.Severity == Severity.High && f.Message.Contains("keras.utils.get_file", StringComparison.Ordinal));
        Assert.Contains(fetches, f => f.Severity == Severity.Medium && f.Message.Contains("https://evil.example/payload.py", StringComparison.Ordinal));
    }

    [Fact]
    public void Keras_EnableUnsafeDeserialization_IsCritical()
    {
        var report = Scan("malicious/keras/enable_unsafe_deserialization.keras");

        Assert.Equal(Severity.Critical, Assert.Single(report.Findings, f => f.RuleId == "keras.safe-mode-bypass").Severity);
        Assert.Contains(report.Findings, f => f.RuleId == "keras.lambda-layer");
    }

    [Fact]
    public void Keras_ArchiveWithoutMetadata_IsRecognisedByItsConfig()
    {
        var benign = Scan("benign/keras/no_metadata_plain.keras");
        var lambda = Scan("malicious/keras/no_metadata_lambda.keras");

        Assert.Equal(ArtifactFormat.Keras, benign.Format);
        Assert.Empty(benign.Findings);
        Assert.Equal(ArtifactFormat.Keras, lambda.Format);
        Assert.Contains(lambda.Findings, f => f.RuleId == "keras.lambda-layer");
    }

    [Fact]
    public void Keras_HarmlessBuiltinFunction_IsNoFinding()
    {
        var config = """{"module": "keras", "class_name": "Sequential", "config": {"layers": [{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "activation": {"module": "builtins", "class_name": "function", "config": "len", "registered_name": "function"}}}]}}""";
        var report = ModelScanner.ScanBytes(Zip(("config.json", Encoding.UTF8.GetBytes(config))), "m.keras");

        Assert.Equal(ArtifactFormat.Keras, report.Format);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void TensorFlow_FileOps_ArePlantedOrComputedPaths_ButTheLoadersSaverIsNot()
    {
        var planted = Assert.Single(Scan("malicious/tensorflow/save_planted_path/saved_model.pb").Findings, f => f.RuleId == "tensorflow.file-path");
        var computed = Assert.Single(Scan("malicious/tensorflow/restore_computed_path/saved_model.pb").Findings, f => f.RuleId == "tensorflow.file-path");

        Assert.Equal(Severity.High, planted.Severity);
        Assert.Contains("/etc/cron.d/evil", planted.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Medium, computed.Severity);
        Assert.Contains("RegexReplace", computed.Message, StringComparison.Ordinal);
        Assert.Empty(Scan("benign/tensorflow/saver_graph/saved_model.pb").Findings);
    }

    [Theory]
    [InlineData("malicious/tensorflow/pyfunc_stateless/saved_model.pb", "PyFuncStateless")]
    [InlineData("malicious/tensorflow/eager_pyfunc/saved_model.pb", "EagerPyFunc")]
    public void TensorFlow_PythonOps_AreCritical(string path, string op)
    {
        var finding = Assert.Single(Scan(path).Findings, f => f.RuleId == "tensorflow.dangerous-op");

        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains(op, finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("malicious/archives/pickle.pkl.xz", "!pickle.pkl")]
    [InlineData("malicious/archives/pickle.pkl.lz4", "!pickle.pkl")]
    [InlineData("malicious/archives/pickle.pkl.zst", "!pickle.pkl")]
    [InlineData("malicious/archives/model.7z", "!model/payload.pkl")]
    [InlineData("malicious/archives/model_in_tar.tar.xz", "!release/model.bin!archive/data.pkl")]
    [InlineData("malicious/archives/tar_in_7z.7z", "!bundle.tar!weights.pt!archive/data.pkl")]
    public void Archives_NewContainers_AreOpenedAndTheirPicklesScanned(string path, string innerLocation)
    {
        var finding = Assert.Single(Scan(path).Findings, f => f.RuleId == "pickle.dangerous-callable");

        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.EndsWith(innerLocation, finding.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Archives_Unreadable7z_IsNotAnalysed_AndFailsTheUnscannedGate()
    {
        var report = ModelScanner.Scan(Path.Combine(Fixtures.CorpusRoot, "malicious", "archives", "corrupt.7z"));

        var artifact = Assert.Single(report.Artifacts);
        Assert.Contains(artifact.Findings, f => f.RuleId == "scan.not-analysed" && f.Severity == Severity.Medium && f.Message.Contains("7z archive could not be read", StringComparison.Ordinal));
        Assert.True(report.NotAnalysedCount > 0);
    }

    [Fact]
    public void Archives_ZstdAnd7z_KeepTheSizeAndDepthLimits()
    {
        var zeros = new ZstdSharp.Compressor(19).Wrap(new byte[4 << 20]).ToArray();
        var bomb = ModelScanner.ScanBytes(zeros, "zeros.bin.zst", new ScanOptions { MaxEntryBytes = 1 << 20 });
        var deep = ModelScanner.ScanFile(Path.Combine(Fixtures.CorpusRoot, "malicious/archives/tar_in_7z.7z"), "x.7z", new ScanOptions { MaxArchiveDepth = 1 });

        Assert.Contains(bomb.Findings, f => f.RuleId == "archive.bomb");
        Assert.Contains(deep.Findings, f => f.RuleId == "archive.depth");
        Assert.DoesNotContain(deep.Findings, f => f.RuleId == "pickle.dangerous-callable");
    }

    [Fact]
    public void Pickle_OpcodeStraddlingItsFrame_IsAnAnomaly()
    {
        var body = Encoding.Latin1.GetBytes("\u008c\u0008straddle.");
        var bytes = Pickle("\u0080\u0004\u0095").Concat(BitConverter.GetBytes(3L)).Concat(body).ToArray();

        var finding = Assert.Single(ModelScanner.ScanBytes(bytes, "f.pkl").Findings);
        Assert.Equal(("pickle.anomaly", Severity.Medium), (finding.RuleId, finding.Severity));
        Assert.Contains("straddles the end of its FRAME", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u0080\u0002]q\u0000\u0080\u0002K\u0001a.", "second PROTO")]
    [InlineData("\u0080\u0002]q\u0000h\u0000a.", "contains itself")]
    public void Pickle_StructuralAnomalies_AreReported(string pickle, string expected)
    {
        var finding = Assert.Single(ModelScanner.ScanBytes(Pickle(pickle), "a.pkl").Findings);

        Assert.Equal("pickle.anomaly", finding.RuleId);
        Assert.Contains(expected, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pickle_MemoExpansion_IsFlaggedPastTheLimit_ButTenSharedReferencesAreNot()
    {
        var bomb = Scan("malicious/anomalies/billion_laughs.pkl");
        var small = ModelScanner.ScanBytes(Pickle("\u0080\u0002\u008c\u0003lolq\u0000](h\u0000h\u0000h\u0000h\u0000h\u0000h\u0000h\u0000h\u0000h\u0000h\u0000e."), "s.pkl");

        var finding = Assert.Single(bomb.Findings, f => f.RuleId == "pickle.resource-exhaustion");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("expands to 111,111,111 values", finding.Message, StringComparison.Ordinal);
        Assert.Empty(small.Findings);
    }

    [Fact]
    public void Pickle_DeclaredLengthBeyondTheStream_IsResourceExhaustion()
    {
        var finding = Assert.Single(Scan("malicious/anomalies/declared_beyond.pkl").Findings);

        Assert.Equal(("pickle.resource-exhaustion", Severity.High), (finding.RuleId, finding.Severity));
        Assert.Contains("2,147,483,632-byte value", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("malicious/embedded/pickle_bytes_in_pickle.pkl", "as bytes inside the pickle")]
    [InlineData("malicious/embedded/pickle_base64_in_pickle.pkl", "hex or base64 string inside the pickle")]
    [InlineData("malicious/embedded/pickle_hex_in_pickle.pkl", "hex or base64 string inside the pickle")]
    [InlineData("malicious/embedded/base64_member.zip", "hex- or base64-encoded in this file")]
    [InlineData("malicious/embedded/metadata_pickle.safetensors", "in __metadata__ 'state'")]
    public void Embedded_PicklesAreScanned_AndWhatTheyCallIsReported(string path, string how)
    {
        var report = Scan(path);

        var embedded = Assert.Single(report.Findings, f => f.RuleId == "embedded.payload");
        Assert.Contains(how, embedded.Message, StringComparison.Ordinal);
        var call = Assert.Single(report.Findings, f => f.RuleId == "pickle.dangerous-callable");
        Assert.Equal(Severity.Critical, call.Severity);
        Assert.Contains("os.system('id')", call.Message, StringComparison.Ordinal);
        Assert.StartsWith(embedded.Location + "!embedded", call.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_PayloadsNestDeeperThanTheLimit_AreReportedNotFollowed()
    {
        var payload = OsSystem;
        for (var level = 0; level < 6; level++)
        {
            payload = Pickle("\u0080\u0003B").Concat(BitConverter.GetBytes(payload.Length)).Concat(payload).Concat(Pickle(".")).ToArray();
        }

        var report = ModelScanner.ScanBytes(payload, "deep.pkl");

        Assert.Contains(report.Findings, f => f.RuleId == "embedded.payload" && f.Severity == Severity.High && f.Message.Contains("nested more than 4", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Findings, f => f.RuleId == "pickle.dangerous-callable");
    }

    [Fact]
    public void Embedded_PythonSourceInMetadata_IsLow_AndPlainTextOrRawBytesAreNothing()
    {
        var source = Assert.Single(Scan("malicious/embedded/metadata_source.safetensors").Findings);

        Assert.Equal(("embedded.python-source", Severity.Low), (source.RuleId, source.Severity));
        Assert.Empty(Scan("benign/safetensors/metadata_text.safetensors").Findings);
        Assert.DoesNotContain(Scan("benign/pickle/bytes_like_proto.pkl").Findings, f => f.Severity > Severity.Info);
    }

    [Fact]
    public void TorchScript_FileOpsInCode_AreHigh_PlainCodeStaysMedium()
    {
        var fileOp = Assert.Single(Scan("malicious/torchscript/from_file.pt").Findings, f => f.RuleId == "torchscript.code");
        var plain = Assert.Single(Scan("malicious/torchscript/tiny_scripted.pt").Findings, f => f.RuleId == "torchscript.code");

        Assert.Equal(Severity.High, fileOp.Severity);
        Assert.Contains("ops.aten.from_file", fileOp.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Medium, plain.Severity);
    }

    [Fact]
    public void Keras_TfOpLambda_ThatWritesFiles_IsHigh()
    {
        var finding = Assert.Single(Scan("malicious/keras/tfoplambda.keras").Findings, f => f.RuleId == "keras.tfoplambda");

        Assert.Equal(Severity.High, finding.Severity);
    }

    private static ArtifactReport Scan(string corpusPath) =>
        ModelScanner.ScanFile(Path.Combine(Fixtures.CorpusRoot, corpusPath), Path.GetFileName(corpusPath));

    private static byte[] Pickle(string latin1) => Encoding.Latin1.GetBytes(latin1);

    private static byte[] Zip(params (string Name, byte[] Data)[] members)
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in members)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(data);
            }
        }

        return buffer.ToArray();
    }
}
