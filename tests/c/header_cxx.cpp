// The core header included from C++17: it must compile, and give the C results.
#include "wce_c/wce.h"

#include <cstdio>

int main()
{
    const double z[2] = {0.0, 1.0}, x[2] = {-20.0, 3.0}, q = 2.0;
    double loss[2], grad[2], hess[2];
    wce_loss_f64(0, 2, z, x, &q, 1, nullptr, 0, loss);
    wce_gradient_hessian_f64(0, 2, z, x, &q, 1, nullptr, 0, grad, hess);
    std::printf("%.17g %.17g %.17g\n", loss[0], grad[1], hess[1]);
    return loss[0] > 0.0 && grad[1] < 0.0 && hess[1] > 0.0 ? 0 : 1;
}
