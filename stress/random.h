// SPDX-License-Identifier: BSD-3-Clause
#ifndef STRESS_RANDOM_H
#define STRESS_RANDOM_H

#include <QtCore/qglobal.h>

#include <cmath>
#include <random>

namespace Stress {

// The one source of random choices of a run: a seed reproduces the run as
// far as the scheduler allows. A second process or thread gets a seed
// drawn from here, never one of its own.
class Random
{
public:
    explicit Random(quint64 seed) : m_engine(seed) { }

    quint64 next() { return m_engine(); }

    // Uniform in [low, high].
    qint64 between(qint64 low, qint64 high)
    {
        return std::uniform_int_distribution<qint64>(low, high)(m_engine);
    }

    bool chance(double probability)
    {
        return std::uniform_real_distribution<double>(0, 1)(m_engine) < probability;
    }

    // In [low, high], as often 1..10 as 10..100: small sizes are as common
    // as large ones, which a uniform choice up to 1 MiB would never give.
    qint64 spread(qint64 low, qint64 high)
    {
        const double lo = std::log(double(low));
        const double hi = std::log(double(high) + 1);
        const double x = std::uniform_real_distribution<double>(lo, hi)(m_engine);
        return qBound(low, qint64(std::exp(x)), high);
    }

private:
    std::mt19937_64 m_engine;
};

} // namespace Stress

#endif // STRESS_RANDOM_H
