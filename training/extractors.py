"""Line extractors other than the app's Sobel, to test how the model copes with foreign line art."""
from __future__ import annotations

import cv2
import numpy as np


def canny_sketch(image: np.ndarray, low: int = 60, high: int = 150, blur: float = 1.0) -> np.ndarray:
    """OpenCV Canny edges (after a Gaussian blur of sigma ``blur``) as 1-px black lines on white: uint8 (H, W)."""
    gray = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (0, 0), blur)
    return 255 - cv2.Canny(gray, low, high)


def xdog_sketch(image: np.ndarray, sigma: float = 0.8, k: float = 1.6, tau: float = 0.98,
                epsilon: float = 0.0, phi: float = 20.0) -> np.ndarray:
    """Extended difference of Gaussians (Winnemoeller 2012), soft dark lines on white: uint8 (H, W)."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    small = cv2.GaussianBlur(gray, (0, 0), sigma)
    large = cv2.GaussianBlur(gray, (0, 0), sigma * k)
    dog = small - tau * large
    lines = np.where(dog >= epsilon, 1.0, 1.0 + np.tanh(phi * (dog - epsilon)))
    return np.clip(lines * 255.0, 0, 255).astype(np.uint8)
