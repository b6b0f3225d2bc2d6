using System;
using DerivSpec.Runtime.Native;

TorchLoader.EnsureLoaded();
Console.WriteLine("DerivSpec synthetic example: under construction (see issue 5).");
return 0;
