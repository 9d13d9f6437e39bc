"""Normalizers behind duplicate detection, on the spellings real lists use."""

from __future__ import annotations

import pytest

from paperlist.infra.identity import (
    arxiv_id,
    author_key,
    cvf_paper,
    doi,
    drop_title_prefix,
    github_repo,
    github_subpath,
    normalize_title,
    strip_title_decorations,
    title_key,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2103.09460", "2103.09460"),
        ("2103.09460v2", "2103.09460"),
        ("arXiv:2103.09460", "2103.09460"),
        ("arxiv: 2103.09460v3", "2103.09460"),
        ("https://arxiv.org/abs/2103.09460", "2103.09460"),
        ("https://arxiv.org/abs/2103.05950v2", "2103.05950"),
        ("https://arxiv.org/pdf/2103.09460.pdf", "2103.09460"),
        ("https://arxiv.org/pdf/2103.09460v2.pdf", "2103.09460"),
        ("https://arxiv.org/pdf/2103.09460v2", "2103.09460"),
        ("http://export.arxiv.org/abs/2103.09460", "2103.09460"),
        ("https://www.arxiv.org/html/2103.09460v1", "2103.09460"),
        ("https://arxiv.org/abs/2103.09460#", "2103.09460"),
        ("0704.0001", "0704.0001"),
        ("cs/0501001", "cs/0501001"),
        ("arXiv:CS/0501001v1", "cs/0501001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136v2", "math.GT/0309136"),
        ("math.gt/0309136", "math.GT/0309136"),
        ("https://github.com/x/y", None),
        ("https://arxiv.org/list/cs.CV/recent", None),
        # Cut off: since 1501 the number has five digits (an unquoted YAML float drops the last 0).
        ("2103.0946", None),
        ("1412.12345", None),
    ],
)
def test_arxiv_id(text: str, expected: str | None) -> None:
    assert arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "10.1109/CVPR42600.2020.00338",
        "10.1109/cvpr42600.2020.00338",
        "doi:10.1109/CVPR42600.2020.00338",
        "DOI: 10.1109/CVPR42600.2020.00338",
        "https://doi.org/10.1109/CVPR42600.2020.00338",
        "http://dx.doi.org/10.1109/CVPR42600.2020.00338",
        "https://doi.org/10.1109%2FCVPR42600.2020.00338",
        "10.1109/CVPR42600.2020.00338.",
    ],
)
def test_doi_forms_fold_to_one(text: str) -> None:
    assert doi(text) == "10.1109/cvpr42600.2020.00338"


def test_doi_rejects_non_doi() -> None:
    assert doi("https://example.org/10.1109") is None
    assert doi("11.1109/x") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://openaccess.thecvf.com/content_CVPR_2020/papers/Xiang_Zooming_Slow-Mo_Fast_and_Accurate_One-Stage_"
        "Space-Time_Video_Super-Resolution_CVPR_2020_paper.pdf",
        "http://openaccess.thecvf.com/content_CVPR_2020/html/Xiang_Zooming_Slow-Mo_Fast_and_Accurate_One-Stage_"
        "Space-Time_Video_Super-Resolution_CVPR_2020_paper.html",
        "https://openaccess.thecvf.com/content_CVPR_2020/papers/Xiang_Zooming_Slow-Mo_Fast_and_Accurate_One-Stage_"
        "Space-Time_Video_Super-Resolution_CVPR_2020_paper.pdf?download=1",
    ],
)
def test_cvf_pdf_and_html_are_one_paper(url: str) -> None:
    assert cvf_paper(url) == (
        "xiang_zooming_slow-mo_fast_and_accurate_one-stage_space-time_video_super-resolution_cvpr_2020"
    )


def test_cvf_2021_layout_and_non_papers() -> None:
    pdf = ("https://openaccess.thecvf.com/content/CVPR2021/papers/Luo_UPFlow_Upsampling_Pyramid_for_Unsupervised_"
           "Optical_Flow_Learning_CVPR_2021_paper.pdf")
    html = pdf.replace("/papers/", "/html/").replace(".pdf", ".html")
    name = "luo_upflow_upsampling_pyramid_for_unsupervised_optical_flow_learning_cvpr_2021"
    assert cvf_paper(pdf) == cvf_paper(html) == name
    assert cvf_paper("https://openaccess.thecvf.com/CVPR2021") is None
    assert cvf_paper("https://arxiv.org/abs/2103.09460") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/Megvii-BaseDetection/OTA",
        "https://github.com/megvii-basedetection/ota",
        "https://github.com/Megvii-BaseDetection/OTA/",
        "https://github.com/Megvii-BaseDetection/OTA.git",
        "https://www.github.com/Megvii-BaseDetection/OTA.git/",
        "http://github.com/Megvii-BaseDetection/OTA#readme",
        "https://github.com/Megvii-BaseDetection/OTA/tree/main",
        "https://github.com/Megvii-BaseDetection/OTA/blob/master/README.md",
    ],
)
def test_github_repo_forms(url: str) -> None:
    assert github_repo(url) == "megvii-basedetection/ota"


def test_github_subpath_ignores_branch() -> None:
    base = "https://github.com/google-research/google-research"
    assert github_subpath(f"{base}/tree/master/smurf") == github_subpath(f"{base}/tree/main/smurf/") == "smurf"
    assert github_subpath(base) == ""
    assert github_repo("https://github.com/orgs/google-research") is None
    assert github_repo("https://gitlab.com/a/b") is None
    assert github_repo("https://github.com/only-owner") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("UPFlow:Upsampling Pyramid for Unsupervised Optical Flow Learning",
         "UPFlow: Upsampling Pyramid for Unsupervised Optical Flow Learning"),
        ("Track to Detect and Segment: An Online Multi-Object Tracker(跟踪检测和分段：在线多目标跟踪器)",
         "Track to Detect and Segment: An Online Multi-Object Tracker"),
        ("Rainbow Memory: Continual Learning with a Memory of Diverse Samples（不断学习与多样本的记忆）",
         "Rainbow Memory: Continual Learning with a Memory of Diverse Samples"),
        ("Camouflaged Object Segmentation with Distraction Mining(【伪装目标分割】基于分心挖掘的伪装目标分割)",
         "Camouflaged Object Segmentation with Distraction Mining"),
        ("Machine-learned 3D Building Vectorization from Satellite Imagery【【遥感图像】机器学习的3D建筑矢量化】",
         "Machine-learned 3D Building Vectorization from Satellite Imagery"),
        ("Involution: Inverting the Inherence of Convolution for Visual Recognition (CVPR 2021)",
         "involution: inverting the inherence of convolution for visual recognition"),
        ("OTA: Optimal Transport Assignment for Object Detection [CVPR2021 Oral]",
         "OTA: Optimal Transport Assignment for Object Detection"),
        ("ＰＤ-ＧＡＮ：Probabilistic Diverse GAN for Image Inpainting",
         "PD-GAN: Probabilistic Diverse GAN for Image Inpainting"),
        ("Unsupervised  Pre-training for Person Re-identification ",
         "Unsupervised Pre-training for Person Re-identification"),
    ],
)
def test_titles_fold_to_the_same_normal_form(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)
    assert title_key(a) == title_key(b)


def test_title_key_ignores_spacing_and_hyphens() -> None:
    assert title_key("Unsupervised Pre-training for Person Re-identification") == title_key(
        "Unsupervised Pretraining for Person Reidentification")


def test_decorations_keep_meaningful_parentheses() -> None:
    # An English parenthetical is part of the title, not a translation.
    assert strip_title_decorations("Learning (to See) in the Dark") == "Learning (to See) in the Dark"
    assert normalize_title("Title (CVPR 2021)(中文)") == normalize_title("Title")


def test_drop_title_prefix() -> None:
    assert drop_title_prefix("StyleMapGAN: Exploiting Spatial Dimensions of Latent in GAN") == (
        "Exploiting Spatial Dimensions of Latent in GAN")
    assert drop_title_prefix("HOTR：End-to-End Human-Object Interaction Detection") == (
        "End-to-End Human-Object Interaction Detection")
    assert drop_title_prefix("No prefix here at all") is None
    assert drop_title_prefix("Name: too short") is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Qi Tian", "q tian"),
        ("Qi Tian1", "q tian"),
        ("Qi Tian*", "q tian"),
        ("Tian, Qi", "q tian"),
        ("José Álvarez", "j alvarez"),
        ("Quoc V. Le", "q le"),
        ("张三", "张三"),
        ("  ", ""),
    ],
)
def test_author_key(name: str, key: str) -> None:
    assert author_key(name) == key


def test_a_hostile_title_cannot_make_normalization_slow() -> None:
    # An unclosed "(" followed by 60,000 CJK characters was quadratic (minutes) before the cap;
    # the bound asserted here is operations, not time: the input is cut before any regex runs.
    from paperlist.infra.identity import MAX_TITLE

    title = "Title(" + "中" * 60_000
    assert len(normalize_title(title)) <= MAX_TITLE
    assert normalize_title("A Real Title（中文翻译）") == "a real title"
