using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using DerivSpec.Language;

// Times DspecCompiler.Compile on the paper model and on 1 MB hostile inputs: median and max of N runs after a warm-up.
const int MB = 1 << 20;
int runs = args.Length > 0 ? int.Parse(args[0]) : 5;

static string Repeat(string s, int total)
{
    var sb = new StringBuilder(total + s.Length);
    while (sb.Length < total) sb.Append(s);
    return sb.ToString();
}

static string ValidModels(int total)
{
    var sb = new StringBuilder();
    for (int i = 0; sb.Length < total; i++) sb.Append($"model M{i} {{\n  family f increasing: dx/dz = softplus(net)\n}}\n");
    return sb.ToString();
}

string root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "DerivSpec.sln"))) root = Path.GetDirectoryName(root)!;
var junk = new byte[MB];
new Random(7).NextBytes(junk);
var cases = new List<(string Name, string Text)>
{
    ("paper.dspec", File.ReadAllText(Path.Combine(root, "spec", "examples", "paper.dspec"))),
    ("1 MB '('", "model M {\n family f: dx/dz = " + new string('(', MB)),
    ("1 MB balanced ((…))", "model M {\n family f: dx/dz = " + new string('(', MB / 2) + "net" + new string(')', MB / 2) + "\n}\n"),
    ("1 MB 'net + net + …'", "model M {\n family f: dx/dz = net" + Repeat(" + net", MB) + "\n}\n"),
    ("1 MB binary junk", new string(junk.Select(b => (char)b).ToArray())),
    ("1 MB unterminated /*", "model M {\n /* " + Repeat("family f: dx/dz = net\n", MB)),
    ("1 MB of valid models", ValidModels(MB)),
};
Console.WriteLine($"{"input",-24} {"chars",9} {"diags",6} {"median ms",10} {"max ms",8}");
foreach (var (name, text) in cases)
{
    var r = DspecCompiler.Compile(text, name); // warm-up
    var times = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        DspecCompiler.Compile(text, name);
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"{name,-24} {text.Length,9} {r.Diagnostics.Count,6} {times[times.Count / 2],10:F1} {times[^1],8:F1}");
}
