#!/usr/bin/python3
"""Writes smoking.csv: a synthetic grouped table of patients by city and
smoking status with the number of lung-cancer cases and non-cases.

Seeded (random.Random(20240615)), standard library only, so the file is
reproducible: `/usr/bin/python3 make_smoking.py > smoking.csv`.
True model: logit P(cancer) = -2.6 + 1.9*smoking + city effect, city effects
London 0, Leeds 0.25, Manchester 0.4, York -0.3; patients per city/smoking cell
drawn uniformly from a fixed range per city (London the largest city).
"""
import math
import random

rng = random.Random(20240615)
cities = {"London": (0.0, (900, 1100)), "Leeds": (0.25, (300, 420)),
          "Manchester": (0.4, (380, 500)), "York": (-0.3, (120, 200))}
print("city,smoking,cancer,count")
for city, (effect, (lo, hi)) in cities.items():
    for smoking in (0, 1):
        n = rng.randint(lo, hi) if smoking == 0 else rng.randint(lo, hi) // 3
        p = 1 / (1 + math.exp(-(-2.6 + 1.9 * smoking + effect)))
        cases = sum(rng.random() < p for _ in range(n))
        print(f"{city},{smoking},1,{cases}")
        print(f"{city},{smoking},0,{n - cases}")
