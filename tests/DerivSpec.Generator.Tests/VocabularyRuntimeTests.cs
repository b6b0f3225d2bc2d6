using System;
using System.Linq;
using System.Reflection;
using DerivSpec.Generator;
using Xunit;
using L = DerivSpec.Language;
using RtDecoding = DerivSpec.Runtime.Decoding;
using RtModel = DerivSpec.Runtime.Model;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// The Language and the Runtime compile the same vocabulary source (Language/Vocabulary/Shared); generated code names
/// Runtime members by the tables' <c>Member</c> and DecoderMath methods by <c>RuntimeMethod</c>. These tests check that
/// every table entry names something that exists on the Runtime side, with the same meaning.
/// </summary>
public class VocabularyRuntimeTests
{
    private static void SameEnum<TLanguage, TRuntime>(Func<TLanguage, string> member)
        where TLanguage : struct, Enum where TRuntime : struct, Enum
    {
        var language = Enum.GetValues(typeof(TLanguage)).Cast<TLanguage>().ToArray();
        var runtime = Enum.GetValues(typeof(TRuntime)).Cast<TRuntime>().ToArray();
        Assert.Equal(language.Length, runtime.Length);
        foreach (var l in language)
        {
            var r = Enum.Parse<TRuntime>(member(l));   // generated code spells the member like this
            Assert.Equal(Convert.ToInt32(l), Convert.ToInt32(r));
            Assert.Equal(l.ToString(), r.ToString());
        }
    }

    [Fact]
    public void SharedEnumsAreTheSameOnBothSides()
    {
        SameEnum<L.LikelihoodKind, RtModel.LikelihoodKind>(k => L.LikelihoodVocabulary.Of(k).Member);
        SameEnum<L.ActivationKind, RtModel.ActivationKind>(k => L.ActivationVocabulary.Of(k).Member);
        SameEnum<L.ParameterConstraintKind, RtDecoding.ParameterConstraintKind>(k => L.ConstraintVocabulary.Of(k).Member);
        SameEnum<L.ParameterPriorKind, RtDecoding.ParameterPriorKind>(k => L.PriorVocabulary.Of(k).Member);
        SameEnum<L.FamilyKind, RtDecoding.FamilyForm>(ModelEmitter.FormMember);
    }

    [Fact]
    public void SharedTablesAgreeOnNames()
    {
        Assert.Equal(L.LikelihoodVocabulary.Names, RtModel.LikelihoodVocabulary.Names);
        Assert.Equal(L.ActivationVocabulary.Names, RtModel.ActivationVocabulary.Names);
        Assert.Equal(L.PriorVocabulary.Names, RtDecoding.PriorVocabulary.Names);
        Assert.Equal(L.LikelihoodVocabulary.All.Select(e => e.IsCount), RtModel.LikelihoodVocabulary.All.Select(e => e.IsCount));
    }

    [Fact]
    public void SharedLimitsAreTheRuntimes()
    {
        Assert.Equal(L.DspecLimits.MaxQuadratureOrder, Runtime.DspecLimits.MaxQuadratureOrder);
        Assert.Equal(L.DspecLimits.MaxLatentDim, Runtime.DspecLimits.MaxLatentDim);
        Assert.Equal(L.DspecLimits.MaxQuadratureOrder, Runtime.Quadrature.GaussLegendre.MaxOrder);
        Runtime.Quadrature.GaussLegendre.Create(L.DspecLimits.MaxQuadratureOrder);   // the checker's largest order runs
        var net = new RtModel.NetworkShape(new[] { 4 }, RtModel.ActivationKind.Tanh);
        var families = new[] { new RtDecoding.FamilyLayout("f", RtDecoding.FamilyForm.FirstOrder, true) };
        var parameters = new[]
        {
            new RtDecoding.ParameterLayout(0, "x0", RtDecoding.ParameterShape.Feature, RtDecoding.ParameterConstraintKind.None, 0, 0,
                RtDecoding.ParameterPriorKind.None, 0, 0, 0),
        };
        _ = new RtDecoding.DecoderLayout(L.DspecLimits.MaxLatentDim, L.DspecLimits.MaxQuadratureOrder, net, families, parameters);
        Assert.Throws<ArgumentException>(() => new RtDecoding.DecoderLayout(1, L.DspecLimits.MaxQuadratureOrder + 1, net, families, parameters));
        Assert.Throws<ArgumentException>(() => new RtDecoding.DecoderLayout(L.DspecLimits.MaxLatentDim + 1, 15, net, families, parameters));
        Assert.Throws<ArgumentException>(() => new RtDecoding.DecoderLayout(1, 15,
            new RtModel.NetworkShape(Enumerable.Repeat(2, L.DspecLimits.MaxHiddenLayers + 1).ToArray(), RtModel.ActivationKind.Tanh), families, parameters));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtModel.Nets.Mlp(3, new RtModel.NetworkShape(new[] { L.DspecLimits.MaxHiddenWidth + 1 }, RtModel.ActivationKind.Relu), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtModel.Nets.Mlp(3,
            new RtModel.NetworkShape(Enumerable.Repeat(2, L.DspecLimits.MaxHiddenLayers + 1).ToArray(), RtModel.ActivationKind.Relu), 2));
    }

    [Fact]
    public void EveryFunctionHasBothDecoderMathOverloads()
    {
        var math = typeof(RtDecoding.DecoderMath);
        foreach (var e in L.FunctionVocabulary.All)
        {
            var tensor = math.GetMethod(e.RuntimeMethod, BindingFlags.Public | BindingFlags.Static, new[] { typeof(TorchSharp.torch.Tensor) });
            var constant = math.GetMethod(e.RuntimeMethod, BindingFlags.Public | BindingFlags.Static, new[] { typeof(double) });
            Assert.True(tensor is not null && tensor.ReturnType == typeof(TorchSharp.torch.Tensor), e.Name + ": DecoderMath." + e.RuntimeMethod + "(Tensor)");
            Assert.True(constant is not null && constant.ReturnType == typeof(double), e.Name + ": DecoderMath." + e.RuntimeMethod + "(double)");
        }
    }
}
