using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model;

/// <summary>Builds the small MLPs the runtime uses (encoder, baseline decoders).</summary>
public static class Nets
{
    /// <summary>The activation module for <paramref name="kind"/>.</summary>
    public static nn.Module<Tensor, Tensor> Activation(ActivationKind kind) => kind switch
    {
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.Softplus => nn.Softplus(),
        ActivationKind.Sigmoid => nn.Sigmoid(),
        ActivationKind.Elu => nn.ELU(),
        ActivationKind.Gelu => nn.GELU(),
    };

    /// <summary>Applies the activation function <paramref name="kind"/> (functional form).</summary>
    public static Tensor Apply(ActivationKind kind, Tensor x) => kind switch
    {
        ActivationKind.Tanh => torch.tanh(x),
        ActivationKind.Relu => torch.nn.functional.relu(x),
        ActivationKind.Softplus => torch.nn.functional.softplus(x),
        ActivationKind.Sigmoid => torch.sigmoid(x),
        ActivationKind.Elu => torch.nn.functional.elu(x, 1.0, false),
        ActivationKind.Gelu => torch.nn.functional.gelu(x),
    };

    /// <summary>An MLP input → hidden… → output with the activation after every hidden layer and a linear output.</summary>
    public static nn.Module<Tensor, Tensor> Mlp(int input, NetworkShape shape, int output)
    {
        if (input < 1) throw new ArgumentOutOfRangeException(nameof(input), input, "MLP input width must be ≥ 1.");
        if (output < 1) throw new ArgumentOutOfRangeException(nameof(output), output, "MLP output width must be ≥ 1.");
        if (shape.Hidden.Count > DspecLimits.MaxHiddenLayers)
            throw new ArgumentOutOfRangeException(nameof(shape), shape.Hidden.Count, $"An MLP has at most {DspecLimits.MaxHiddenLayers} hidden layers (the .dspec limit).");
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int width = input;
        for (int i = 0; i < shape.Hidden.Count; i++)
        {
            int h = shape.Hidden[i];
            if (h < 1 || h > DspecLimits.MaxHiddenWidth)
                throw new ArgumentOutOfRangeException(nameof(shape), h, $"Hidden layer {i} width must be between 1 and {DspecLimits.MaxHiddenWidth} (the .dspec limit).");
            layers.Add(($"linear{i}", nn.Linear(width, h)));
            layers.Add(($"act{i}", Activation(shape.Activation)));
            width = h;
        }
        layers.Add(("out", nn.Linear(width, output)));
        return nn.Sequential(layers);
    }
}
